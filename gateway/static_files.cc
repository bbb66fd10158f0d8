#include "gateway/static_files.h"

#include <stdlib.h>
#include <sys/stat.h>

#include <fstream>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gateway/path_template.h"

namespace meltingdoc::gateway {
namespace {

absl::string_view ContentType(absl::string_view name) {
  const size_t dot = name.rfind('.');
  const std::string ext = dot == absl::string_view::npos ? "" : absl::AsciiStrToLower(name.substr(dot + 1));
  if (ext == "html") return "text/html; charset=utf-8";
  if (ext == "js" || ext == "mjs") return "text/javascript; charset=utf-8";
  if (ext == "css") return "text/css; charset=utf-8";
  if (ext == "json" || ext == "map") return "application/json";
  if (ext == "webmanifest") return "application/manifest+json";
  if (ext == "svg") return "image/svg+xml";
  if (ext == "png") return "image/png";
  if (ext == "jpg" || ext == "jpeg") return "image/jpeg";
  if (ext == "gif") return "image/gif";
  if (ext == "webp") return "image/webp";
  if (ext == "ico") return "image/x-icon";
  if (ext == "woff2") return "font/woff2";
  if (ext == "woff") return "font/woff";
  if (ext == "txt") return "text/plain; charset=utf-8";
  if (ext == "wasm") return "application/wasm";
  return "application/octet-stream";
}

std::string Canonical(const std::string& path) {
  char* resolved = ::realpath(path.c_str(), nullptr);
  if (resolved == nullptr) return "";
  std::string out(resolved);
  ::free(resolved);
  return out;
}

}  // namespace

std::string CacheControlForFile(absl::string_view file_name) {
  // The hash is the last '-' or '.' separated part before the extension: 8+ characters of
  // [A-Za-z0-9_] with at least one digit (so "favicon-original.png" is not mistaken for one).
  const size_t dot = file_name.rfind('.');
  if (dot != absl::string_view::npos && dot > 0) {
    absl::string_view stem = file_name.substr(0, dot);
    const size_t sep = stem.find_last_of("-.");
    if (sep != absl::string_view::npos) {
      absl::string_view hash = stem.substr(sep + 1);
      bool plain = hash.size() >= 8, digit = false;
      for (char c : hash) {
        if (absl::ascii_isdigit(static_cast<unsigned char>(c))) digit = true;
        if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '_') plain = false;
      }
      if (plain && digit) return "public, max-age=31536000, immutable";
    }
  }
  return "no-cache";
}

StaticFiles::StaticFiles(std::string root, std::set<std::string> api_prefixes)
    : root_(root.empty() ? "" : Canonical(root)), api_prefixes_(std::move(api_prefixes)) {}

std::optional<HttpResponse> StaticFiles::Serve(const HttpRequest& request) const {
  if (root_.empty()) return std::nullopt;
  std::string decoded;
  if (!PercentDecode(request.path, /*keep_slash=*/false, &decoded)) return std::nullopt;
  std::string relative;
  std::vector<std::string> parts;
  for (absl::string_view part : absl::StrSplit(decoded, '/', absl::SkipEmpty())) {
    if (part == "." || part == ".." || absl::StrContains(part, '\0') || absl::StrContains(part, '\\') ||
        absl::StartsWith(part, ".")) {
      return std::nullopt;
    }
    parts.emplace_back(part);
  }
  std::string file = root_;
  for (const std::string& p : parts) absl::StrAppend(&file, "/", p);
  struct stat st;
  if (::stat(file.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) absl::StrAppend(&file, "/index.html");
  if (auto response = ServeFile(file, request)) return response;
  // Client-side routes: /doctors/123 is the app's index.html, unless it is an API path.
  const bool has_extension = !parts.empty() && absl::StrContains(parts.back(), '.');
  const auto accept = request.Header("accept");
  if (!has_extension && accept.has_value() && absl::StrContains(*accept, "text/html") &&
      (parts.empty() || api_prefixes_.count(parts.front()) == 0)) {
    return ServeFile(root_ + "/index.html", request);
  }
  return std::nullopt;
}

std::optional<HttpResponse> StaticFiles::ServeFile(const std::string& file, const HttpRequest& request) const {
  const std::string canonical = Canonical(file);
  if (canonical.empty() || !absl::StartsWith(canonical, root_ + "/")) return std::nullopt;
  struct stat st;
  if (::stat(canonical.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return std::nullopt;
  HttpResponse response;
  const std::string etag = absl::StrCat("\"", st.st_size, "-", st.st_mtim.tv_sec, ".", st.st_mtim.tv_nsec, "\"");
  const std::string name = canonical.substr(canonical.rfind('/') + 1);
  response.SetHeader("Content-Type", std::string(ContentType(name)));
  response.SetHeader("Cache-Control", CacheControlForFile(name));
  response.SetHeader("ETag", etag);
  const auto if_none_match = request.Header("if-none-match");
  if (if_none_match.has_value() && absl::StrContains(*if_none_match, etag)) {
    response.status = 304;
    return response;
  }
  std::ifstream in(canonical, std::ios::binary);
  if (!in) return std::nullopt;
  std::stringstream ss;
  ss << in.rdbuf();
  response.body = ss.str();
  return response;
}

}  // namespace meltingdoc::gateway
