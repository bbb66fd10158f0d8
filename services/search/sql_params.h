// Positional parameters for a statement whose shape depends on the request (optional
// filters): each Add* returns its placeholder ("$3::text[]"), so SQL text and values cannot get
// out of step. Values travel as text parameters, never inside the SQL text.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace pqxx {
class result;
class transaction_base;
}  // namespace pqxx

namespace meltingdoc::search {

class SqlParams {
 public:
  std::string Text(absl::string_view v);
  std::string Null(absl::string_view cast);
  std::string Int(int64_t v);
  std::string Double(double v);
  std::string Bool(bool v);
  std::string Uuid(absl::string_view v);
  std::string TextArray(const std::vector<std::string>& v);
  std::string IntArray(const std::vector<int64_t>& v);
  std::string DoubleArray(const std::vector<std::optional<double>>& v);

  // Runs `sql` with the collected parameters.
  pqxx::result Exec(pqxx::transaction_base& txn, const std::string& sql) const;
  // The same as a statement prepared once per connection under `name` (for a statement
  // whose text depends only on `name`: its planning is then paid once per connection).
  pqxx::result ExecPrepared(pqxx::transaction_base& txn, const std::string& name,
                            const std::string& sql) const;

 private:
  std::string Add(std::optional<std::string> value, absl::string_view cast);
  std::vector<std::optional<std::string>> values_;
};

// A PostgreSQL array literal of text ("{\"a\",\"b\"}").
std::string TextArrayLiteral(const std::vector<std::string>& values);

// Exact text form of a double (round-trips).
std::string DoubleText(double v);

}  // namespace meltingdoc::search
