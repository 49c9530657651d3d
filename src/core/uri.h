#pragma once
// Percent-decoding of URI parts (paths, query strings, artifact sources).
//
//   std::string out;
//   bool ok = PercentDecode("a%20b+c", &out, /*form=*/true);  // true; out is "a b c"
//   QueryValue("path=a%2Fb&x=1", "path")                       // "a/b"
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mlflow {

// Decodes %XX escapes (and '+' as space when form is true). Returns false on a malformed escape.
bool PercentDecode(std::string_view in, std::string* out, bool form = false);

// The name=value items of a query string in order, decoded as Flask reads request.args (Python's
// parse_qsl with blank values kept): '+' is a space, a malformed %-escape stays as written, an
// item without '=' has an empty value, empty items are skipped, bytes that are not UTF-8 become
// U+FFFD.
std::vector<std::pair<std::string, std::string>> ParseQuery(std::string_view query);
// The first value of `name` in a query string; nullopt when it is absent.
std::optional<std::string> QueryValue(std::string_view query, std::string_view name);

}  // namespace mlflow
