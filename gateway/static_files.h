// The web client's built files (gateway/web, issue #8), served from --web_root.
//
// Cache policy: content-hashed assets ("app-4f3a9c2b.js", "index.BQ7Xp3dK.css") never change
// under their name, so they are `immutable` for a year; everything else (index.html first)
// is `no-cache` (revalidated with its ETag every time), so a deploy is seen at once.
// Paths are percent-decoded and confined to the root (no "..", no symlink escape). A GET for
// a path without a file extension that accepts text/html gets index.html (client-side
// routes), except under the API's own path prefixes.
#pragma once

#include <optional>
#include <set>
#include <string>

#include "absl/strings/string_view.h"
#include "gateway/http_server.h"

namespace meltingdoc::gateway {

// "public, max-age=31536000, immutable" for content-hashed file names, else "no-cache".
std::string CacheControlForFile(absl::string_view file_name);

class StaticFiles {
 public:
  // `root` "" serves nothing. `api_prefixes`: first path segments owned by the API ("v1").
  StaticFiles(std::string root, std::set<std::string> api_prefixes);

  // The response for GET/HEAD of `path` (percent-encoded, no query), or nullopt when there is
  // no such file. Honors If-None-Match.
  std::optional<HttpResponse> Serve(const HttpRequest& request) const;

 private:
  std::optional<HttpResponse> ServeFile(const std::string& file, const HttpRequest& request) const;
  std::string root_;  // canonical, no trailing slash; "" when disabled
  std::set<std::string> api_prefixes_;
};

}  // namespace meltingdoc::gateway
