// Request paths for a gateway route, built from its template: the tests that walk the whole
// route table (route matrix, hostile input) fill every path variable the same way.
#pragma once

#include <functional>
#include <string>

#include "gateway/route_table.h"

namespace meltingdoc::testing {

// The route's path (and ":verb") with each variable, and each unnamed wildcard, replaced by
// `value()` as given (callers percent-encode when needed).
std::string RoutePath(const gateway::Route& route, const std::function<std::string()>& value);

// RFC 3986 percent-encoding of everything but the unreserved characters.
std::string PercentEncode(const std::string& text);

}  // namespace meltingdoc::testing
