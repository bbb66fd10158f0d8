#include "gateway/problem.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "google/rpc/error_details.pb.h"
#include "libs/common/json_log.h"

namespace meltingdoc::gateway {
namespace {

constexpr char kTypePrefix[] = "urn:meltingdoc:problem:";

// INVALID_ARGUMENT -> invalid-argument.
std::string Slug(absl::string_view code_name) {
  std::string slug = absl::AsciiStrToLower(code_name);
  absl::StrReplaceAll({{"_", "-"}}, &slug);
  return slug;
}

}  // namespace

int HttpStatusForCode(absl::StatusCode code) {
  switch (code) {
    case absl::StatusCode::kOk: return 200;
    case absl::StatusCode::kCancelled: return 499;
    case absl::StatusCode::kUnknown: return 500;
    case absl::StatusCode::kInvalidArgument: return 400;
    case absl::StatusCode::kDeadlineExceeded: return 504;
    case absl::StatusCode::kNotFound: return 404;
    case absl::StatusCode::kAlreadyExists: return 409;
    case absl::StatusCode::kPermissionDenied: return 403;
    case absl::StatusCode::kResourceExhausted: return 429;
    case absl::StatusCode::kFailedPrecondition: return 400;
    case absl::StatusCode::kAborted: return 409;
    case absl::StatusCode::kOutOfRange: return 400;
    case absl::StatusCode::kUnimplemented: return 501;
    case absl::StatusCode::kInternal: return 500;
    case absl::StatusCode::kUnavailable: return 503;
    case absl::StatusCode::kDataLoss: return 500;
    case absl::StatusCode::kUnauthenticated: return 401;
    default: return 500;
  }
}

absl::string_view HttpReasonPhrase(int status) {
  switch (status) {
    case 200: return "OK";
    case 304: return "Not Modified";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 409: return "Conflict";
    case 413: return "Content Too Large";
    case 415: return "Unsupported Media Type";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 499: return "Client Closed Request";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    default: return "Error";
  }
}

Problem ProblemFromStatus(const absl::Status& status, absl::string_view request_id) {
  Problem p;
  p.status = HttpStatusForCode(status.code());
  p.code = absl::StatusCodeToString(status.code());
  p.type = absl::StrCat(kTypePrefix, Slug(p.code));
  p.title = std::string(HttpReasonPhrase(p.status));
  p.instance = std::string(request_id);
  switch (p.status) {
    case 500:
    case 501:
      p.detail = "The server could not complete the request. Quote the request id if you report it.";
      break;
    case 503:
      p.detail = "The service is unavailable for a moment. Try again shortly.";
      break;
    case 504:
      p.detail = "The service did not answer in time. Try again shortly.";
      break;
    default:
      p.detail = std::string(status.message());
  }
  if (p.status >= 500) return p;
  if (auto payload = status.GetPayload("type.googleapis.com/google.rpc.BadRequest")) {
    google::rpc::BadRequest bad_request;
    if (bad_request.ParseFromString(std::string(*payload))) {
      for (const auto& v : bad_request.field_violations()) {
        p.errors.push_back({v.field(), v.description()});
      }
    }
  }
  if (auto payload = status.GetPayload("type.googleapis.com/google.rpc.RetryInfo"); payload && p.status == 429) {
    google::rpc::RetryInfo retry;
    if (retry.ParseFromString(std::string(*payload)) && retry.has_retry_delay()) {
      // Whole seconds, at least 1 (Retry-After has no fractions).
      const auto& d = retry.retry_delay();
      p.retry_after_seconds = std::max<int64_t>(1, d.seconds() + (d.nanos() > 0 ? 1 : 0));
    }
  }
  if (auto payload = status.GetPayload("type.googleapis.com/google.rpc.ErrorInfo")) {
    google::rpc::ErrorInfo info;
    if (info.ParseFromString(std::string(*payload))) p.reason = info.reason();
  }
  return p;
}

Problem GatewayProblem(int http_status, absl::string_view slug, absl::string_view detail,
                       absl::string_view request_id) {
  Problem p;
  p.status = http_status;
  p.type = absl::StrCat(kTypePrefix, slug);
  p.title = std::string(HttpReasonPhrase(http_status));
  p.detail = std::string(detail);
  p.instance = std::string(request_id);
  return p;
}

std::string ProblemJson(const Problem& p) {
  std::string out = absl::StrCat("{\"type\":", JsonQuote(p.type), ",\"title\":", JsonQuote(p.title),
                                 ",\"status\":", p.status, ",\"detail\":", JsonQuote(p.detail),
                                 ",\"instance\":", JsonQuote(p.instance));
  if (!p.code.empty()) absl::StrAppend(&out, ",\"code\":", JsonQuote(p.code));
  if (!p.reason.empty()) absl::StrAppend(&out, ",\"reason\":", JsonQuote(p.reason));
  out += ",\"errors\":[";
  for (size_t i = 0; i < p.errors.size(); ++i) {
    if (i > 0) out += ',';
    absl::StrAppend(&out, "{\"field\":", JsonQuote(p.errors[i].field),
                    ",\"description\":", JsonQuote(p.errors[i].description), "}");
  }
  out += "]}";
  return out;
}

}  // namespace meltingdoc::gateway
