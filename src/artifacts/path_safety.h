#pragma once
// Artifact path rules (docs/reference/limits.md section 9, MLflow's validate_path_is_safe) plus the checks a
// server needs on top: NUL bytes and control characters.
//
//   MLFLOW_RETURN_IF_ERROR(ValidatePathIsSafe(path));  // "Invalid path" (INVALID_PARAMETER_VALUE)
#include <string>
#include <string_view>

#include "core/status.h"

namespace mlflow::artifacts {

// Percent-decodes repeatedly until stable (at most 10 rounds), then rejects: '#', a '..' segment, an
// absolute POSIX path, a Windows drive or UNC path, a backslash, NUL and other control bytes.
// A "file:" URI is checked by its path. Error: INVALID_PARAMETER_VALUE "Invalid path".
Status ValidatePathIsSafe(std::string_view path);

// Validates and normalises a relative artifact path: drops empty and "." segments and a trailing
// '/'. "" stays "" (the root).
Result<std::string> NormalizeRelativePath(std::string_view path);

Status InvalidPath();

}  // namespace mlflow::artifacts
