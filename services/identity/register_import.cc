#include "services/identity/register_import.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "google/protobuf/util/time_util.h"
#include "libs/common/uuid.h"
#include "libs/text/utf8.h"

namespace meltingdoc::identity {
namespace {

// Calls `on_line(line, line_number)` for every line of the file (without its '\n'). Stops and
// returns the first non-OK status of on_line.
template <typename OnLine>
absl::Status ForEachLine(const std::string& path, OnLine on_line) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return absl::NotFoundError(absl::StrCat("cannot open the register file: ", std::strerror(errno)));
  }
  ::posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
  constexpr size_t kChunk = 8 << 20;
  std::string buffer;
  buffer.resize(kChunk);
  size_t held = 0;  // bytes of an unfinished line at the start of buffer
  int64_t line_number = 0;
  absl::Status status;
  while (status.ok()) {
    if (held == buffer.size()) buffer.resize(buffer.size() * 2);  // a line longer than a chunk
    const ssize_t n = ::read(fd, buffer.data() + held, buffer.size() - held);
    if (n < 0) {
      if (errno == EINTR) continue;
      status = absl::InternalError(absl::StrCat("cannot read the register file: ", std::strerror(errno)));
      break;
    }
    const size_t end = held + static_cast<size_t>(n);
    size_t start = 0;
    while (status.ok()) {
      const void* nl = std::memchr(buffer.data() + start, '\n', end - start);
      if (nl == nullptr) break;
      const size_t stop = static_cast<size_t>(static_cast<const char*>(nl) - buffer.data());
      status = on_line(absl::string_view(buffer.data() + start, stop - start), ++line_number);
      start = stop + 1;
    }
    if (n == 0) {
      // Last line without a final line break.
      if (status.ok() && start < end) {
        status = on_line(absl::string_view(buffer.data() + start, end - start), ++line_number);
      }
      break;
    }
    held = end - start;
    std::memmove(buffer.data(), buffer.data() + start, held);
  }
  ::close(fd);
  return status;
}

}  // namespace

absl::StatusOr<ParsedRegister> ReadRegisterFile(const std::string& path) {
  std::optional<RegisterLineParser> parser;
  RegisterBuilder builder;
  RegisterRow row;
  absl::Status status = ForEachLine(path, [&](absl::string_view line, int64_t line_number) -> absl::Status {
    if (!text::IsValidUtf8(line)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "line ", line_number,
          " is not valid UTF-8: old register extracts are Latin-1 (ISO-8859-1); convert the "
          "file with `iconv -f LATIN1 -t UTF-8` and import it again. Nothing was changed."));
    }
    if (!parser.has_value()) {
      absl::StatusOr<RegisterLineParser> p = RegisterLineParser::FromHeader(line);
      if (!p.ok()) return p.status();
      parser = *std::move(p);
      return absl::OkStatus();
    }
    if (line.empty() || line == "\r") return absl::OkStatus();  // blank line at the end
    builder.CountRead();
    RejectReason reason;
    if (parser->Parse(line, row, reason)) {
      builder.Add(row);
    } else {
      builder.Reject(reason, line_number);
    }
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  if (!parser.has_value()) return absl::InvalidArgumentError("the register file is empty: no header line");
  ParsedRegister parsed;
  parsed.snapshot = builder.Finish();
  parsed.counts = builder.counts();
  return parsed;
}

v1::RegisterImport ReportFromCounts(const RegisterCounts& counts) {
  v1::RegisterImport report;
  report.set_rows_read(counts.rows_read);
  report.set_rows_kept_physician(counts.rows_kept_physician);
  report.set_rows_kept_other(counts.rows_kept_other);
  report.set_rows_rejected(counts.rows_rejected);
  for (const auto& [reason, tally] : counts.rejected) {
    v1::RegisterRejection* r = report.add_rejections();
    r->set_reason(std::string(RejectReasonName(reason)));
    r->set_count(tally.count);
    for (int64_t line : tally.sample_lines) r->add_sample_lines(line);
  }
  report.set_persons(counts.persons);
  report.set_physicians(counts.physicians);
  report.set_savoir_faire(counts.savoir_faire);
  report.set_practice_places(counts.places);
  return report;
}

absl::StatusOr<v1::RegisterImport> ImportRegisterFile(const std::string& path, IdentityStore& store,
                                                      const RegisterImportOptions& options) {
  const absl::Time start = absl::Now();
  absl::StatusOr<ParsedRegister> parsed = ReadRegisterFile(path);
  if (!parsed.ok()) return parsed.status();
  v1::RegisterImport report = ReportFromCounts(parsed->counts);
  const std::string summary =
      absl::StrCat("read ", report.rows_read(), " rows, rejected ", report.rows_rejected());
  if (parsed->counts.physicians == 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "no physician (Code profession 10) in the file (", summary,
        "): refusing to replace the register with it. Nothing was changed."));
  }
  const double rejected_percent =
      100.0 * static_cast<double>(report.rows_rejected()) / static_cast<double>(report.rows_read());
  if (rejected_percent > options.max_rejected_percent) {
    std::string reasons;
    for (const v1::RegisterRejection& r : report.rejections()) {
      absl::StrAppend(&reasons, reasons.empty() ? "" : ", ", r.reason(), ": ", r.count(), " (first at line ",
                      r.sample_lines(0), ")");
    }
    return absl::InvalidArgumentError(absl::StrFormat(
        "%.1f%% of the rows were rejected, more than the %.1f%% allowed (%s). Nothing was changed.",
        rejected_percent, options.max_rejected_percent, reasons));
  }
  report.set_import_id(NewUuid());
  const size_t slash = path.find_last_of('/');
  report.set_source(slash == std::string::npos ? path : path.substr(slash + 1));
  *report.mutable_start_time() = google::protobuf::util::TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(start));
  if (absl::Status s = store.ReplaceRegister(parsed->snapshot, report, options.imported_by); !s.ok()) return s;
  *report.mutable_end_time() = google::protobuf::util::TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(absl::Now()));
  return report;
}

}  // namespace meltingdoc::identity
