#include "services/search/sql_params.h"

#include <pqxx/pqxx>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace meltingdoc::search {

std::string TextArrayLiteral(const std::vector<std::string>& values) {
  std::string out = "{";
  for (size_t i = 0; i < values.size(); ++i) {
    if (i > 0) out += ',';
    out += '"';
    for (char c : values[i]) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += '"';
  }
  out += '}';
  return out;
}

std::string DoubleText(double v) { return absl::StrFormat("%.17g", v); }

std::string SqlParams::Add(std::optional<std::string> value, absl::string_view cast) {
  values_.push_back(std::move(value));
  return absl::StrCat("$", values_.size(), "::", cast);
}

std::string SqlParams::Text(absl::string_view v) { return Add(std::string(v), "text"); }
std::string SqlParams::Null(absl::string_view cast) { return Add(std::nullopt, cast); }
std::string SqlParams::Int(int64_t v) { return Add(absl::StrCat(v), "int8"); }
std::string SqlParams::Double(double v) { return Add(DoubleText(v), "float8"); }
std::string SqlParams::Bool(bool v) { return Add(v ? "t" : "f", "bool"); }
std::string SqlParams::Uuid(absl::string_view v) { return Add(std::string(v), "uuid"); }
std::string SqlParams::TextArray(const std::vector<std::string>& v) {
  return Add(TextArrayLiteral(v), "text[]");
}
std::string SqlParams::IntArray(const std::vector<int64_t>& v) {
  std::string out = "{";
  for (size_t i = 0; i < v.size(); ++i) absl::StrAppend(&out, i > 0 ? "," : "", v[i]);
  return Add(out + "}", "int8[]");
}
std::string SqlParams::DoubleArray(const std::vector<std::optional<double>>& v) {
  std::string out = "{";
  for (size_t i = 0; i < v.size(); ++i) {
    absl::StrAppend(&out, i > 0 ? "," : "", v[i].has_value() ? DoubleText(*v[i]) : "NULL");
  }
  return Add(out + "}", "float8[]");
}

pqxx::result SqlParams::Exec(pqxx::transaction_base& txn, const std::string& sql) const {
  // libpqxx sends a null const char* as SQL NULL.
  std::vector<const char*> raw;
  raw.reserve(values_.size());
  for (const auto& v : values_) raw.push_back(v.has_value() ? v->c_str() : nullptr);
  return txn.exec_params(sql, pqxx::prepare::make_dynamic_params(raw));
}

pqxx::result SqlParams::ExecPrepared(pqxx::transaction_base& txn, const std::string& name,
                                     const std::string& sql) const {
  // libpqxx 6 only records the definition here (an identical one again is a no-op); the
  // server-side PREPARE happens on the first use on each connection, again after a reconnect.
  txn.conn().prepare(name, sql);
  std::vector<const char*> raw;
  raw.reserve(values_.size());
  for (const auto& v : values_) raw.push_back(v.has_value() ? v->c_str() : nullptr);
  return txn.exec_prepared(name, pqxx::prepare::make_dynamic_params(raw));
}

}  // namespace meltingdoc::search
