#pragma once
// MLflow's validation rules and their exact messages (docs/reference/limits.md); the numbers are
// in core/limits.h. All return INVALID_PARAMETER_VALUE on failure.
//
//   MLFLOW_RETURN_IF_ERROR(ValidateKey(key, "key", "Param key"));
//   if (CharLength(value) > limits::kMaxParamValueLength) return TooLong("Param value", limits::kMaxParamValueLength);
#include <string>
#include <string_view>

#include "core/limits.h"
#include "core/py_text.h"  // PyStrRepr: how MLflow's messages quote values
#include "core/status.h"

namespace mlflow::validation {

// Length in characters (code points), as Python's len() of the decoded string.
size_t CharLength(std::string_view utf8);
// Cuts a UTF-8 string to at most max_chars code points.
std::string TruncateChars(std::string_view utf8, size_t max_chars);

// "Missing value for required parameter 'F'."
Status Missing(std::string_view path);
// "Invalid value <json> for parameter 'F' supplied: <reason>"
Status Invalid(std::string_view json_value, std::string_view path, std::string_view reason = {});
// "'<what>' exceeds the maximum length of N characters"
Status TooLong(std::string_view what, size_t max);

// Key rules for metric/param/tag keys: charset (Python's Unicode `\w` plus "/.- :") and path-like
// normalisation. `path` names the field in messages ("key", "metrics[3].key").
Status ValidateKeyName(std::string_view key, std::string_view path);
// Key rules plus the length check, with MLflow's label for the length message
// ("Metric name", "Param key", "key").
Status ValidateKey(std::string_view key, std::string_view path, std::string_view length_label);

// JSON rendering of a string value, for "Invalid value <json> ..." messages.
std::string JsonQuote(std::string_view s);

// Whether the environment asks to truncate long param/tag values (MLFLOW_TRUNCATE_LONG_VALUES,
// default true).
bool TruncateLongValues();

// Run ids in LogBatch / LogInputs: ^[a-zA-Z0-9][\w\-]{0,255}$
Status ValidateRunIdFormat(std::string_view run_id);

// Registered model names (every registry call that names a model): not blank (whitespace only is
// blank: "Missing value for required parameter '<missing_field>'."), no '/' or ':', and unchanged
// by path normalisation.
Status ValidateModelName(std::string_view name, std::string_view missing_field = "name");

}  // namespace mlflow::validation
