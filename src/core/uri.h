#pragma once
// Percent-decoding of URI parts (paths, query strings, artifact sources).
//
//   std::string out;
//   bool ok = PercentDecode("a%20b+c", &out, /*form=*/true);  // true; out is "a b c"
#include <string>
#include <string_view>

namespace mlflow {

// Decodes %XX escapes (and '+' as space when form is true). Returns false on a malformed escape.
bool PercentDecode(std::string_view in, std::string* out, bool form = false);

}  // namespace mlflow
