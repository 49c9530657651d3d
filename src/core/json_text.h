#pragma once
// JSON text as Python's json.dumps writes it (", " and ": " separators, \uXXXX escapes for
// non-ASCII), the form MLflow stores JSON values in and hashes them by. Objects keep their
// order (Python dicts do), unless sort_keys (json.dumps(..., sort_keys=True)).
//
//   nlohmann::ordered_json v = nlohmann::ordered_json::parse(R"({"b":1,"a":[1,2.5]})");
//   std::string s = PyJsonDumps(v);                    // {"b": 1, "a": [1, 2.5]}
//   std::string k = PyJsonDumps(v, /*sort_keys=*/true); // {"a": [1, 2.5], "b": 1}
#include <string>

#include <nlohmann/json.hpp>

namespace mlflow {

std::string PyJsonDumps(const nlohmann::ordered_json& v, bool sort_keys = false);
void AppendPyJson(std::string& out, const nlohmann::ordered_json& v, bool sort_keys = false);

// sha256 of text as 64 lower-case hex digits.
std::string Sha256Hex(const std::string& text);

}  // namespace mlflow
