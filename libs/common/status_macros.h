// RETURN_IF_ERROR / ASSIGN_OR_RETURN: open-source Abseil ships neither.
#pragma once

#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

#define MELTINGDOC_CONCAT_INNER(a, b) a##b
#define MELTINGDOC_CONCAT(a, b) MELTINGDOC_CONCAT_INNER(a, b)

// Returns the status from the enclosing function if `expr` is not OK.
#define RETURN_IF_ERROR(expr)                                   \
  do {                                                          \
    const ::absl::Status meltingdoc_status_ = (expr);           \
    if (!meltingdoc_status_.ok()) return meltingdoc_status_;    \
  } while (false)

// ASSIGN_OR_RETURN(auto x, MakeX()); returns the error status if MakeX() failed.
#define ASSIGN_OR_RETURN(lhs, expr) \
  MELTINGDOC_ASSIGN_OR_RETURN_IMPL(MELTINGDOC_CONCAT(meltingdoc_statusor_, __LINE__), lhs, expr)

#define MELTINGDOC_ASSIGN_OR_RETURN_IMPL(statusor, lhs, expr) \
  auto statusor = (expr);                                     \
  if (!statusor.ok()) return std::move(statusor).status();    \
  lhs = std::move(statusor).value()
