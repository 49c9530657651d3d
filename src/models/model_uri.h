#pragma once
// Model URIs (docs/reference/formats.md f.4) resolved to a local model folder: a local path or file:// URI is used
// in place; runs:/, models:/ and artifact URIs (mlflow-artifacts:, s3://, http(s)://) are resolved
// with the tracking server's REST API and downloaded through the artifact repositories.
//
// The REST calls live in this one file so they can move to the C++ client library later.
//
//   MLFLOW_ASSIGN_OR_RETURN(ResolvedModel m, ResolveModelUri("models:/iris@champion", "http://127.0.0.1:5000", tmp));
//   m.local_dir;  // a folder with an MLmodel file
#include <string>

#include "core/status.h"

namespace mlflow::models {

struct ResolvedModel {
  std::string local_dir;     // folder holding MLmodel
  std::string artifact_uri;  // where it came from (empty for local paths)
  bool downloaded = false;   // local_dir is a copy the caller may delete
};

// tracking_uri: http(s):// of the tracking server (needed for runs:/, models:/, mlflow-artifacts:).
// dst_dir: an existing folder that receives downloads. RESOURCE_DOES_NOT_EXIST when the model or
// its MLmodel cannot be found; INVALID_PARAMETER_VALUE for malformed URIs.
Result<ResolvedModel> ResolveModelUri(const std::string& uri, const std::string& tracking_uri,
                                      const std::string& dst_dir);

}  // namespace mlflow::models
