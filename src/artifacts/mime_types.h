#pragma once
// Content types for artifact downloads, as MLflow's server picks them (mime_type_utils.py):
// text/plain for its list of text extensions and MLmodel/MLproject, else Python's mimetypes map,
// else application/octet-stream.
#include <string>
#include <string_view>

namespace mlflow::artifacts {

// file_path: any path; only its last segment is looked at.
std::string GuessMimeType(std::string_view file_path);

}  // namespace mlflow::artifacts
