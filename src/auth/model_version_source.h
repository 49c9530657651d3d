#pragma once
// What MLflow 3.17.2's auth check of CreateModelVersion reads from the request body beyond the
// registered model (mlflow/server/auth/__init__.py, validate_can_create_model_version): the prompt
// marker among the tags, the run and logged model the version names, and the registered model or
// logged model a models:/ source points at. auth_gate.cc decides the permissions; this file only
// reads the body, as MLflow's parsed message would hold it.
//
//   CreateVersionRequest r = ReadCreateVersionRequest(body);
//   MLFLOW_RETURN_IF_ERROR(r.source_status);  // after the prompt marker's check, as MLflow
//   if (r.source_name) ...  // READ on that registered model or prompt decides alone
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "core/status.h"

namespace mlflow::auth {

struct CreateVersionRequest {
  // The last tag mlflow.prompt.is_prompt: true when its value is "true" (any case); nullopt when
  // no tag carries the key.
  std::optional<bool> prompt_marker;
  // run_id / model_id when the body holds them (either spelling), even empty; a null is absent.
  std::optional<std::string> run_id;
  std::optional<std::string> model_id;
  // A models:/<name>/<suffix> or models:/<name>@<alias> source: the registered model's name.
  std::optional<std::string> source_name;
  // A models:/<id> source: the logged model's id.
  std::optional<std::string> source_model_id;
  // A models:/ source MLflow cannot parse: its 500 INTERNAL_ERROR "Not a proper models:/ URI: ...";
  // one naming the empty registered model ("models:/@alias"): the registry's 400 for a missing
  // name. MLflow meets either only after the prompt marker's check.
  Status source_status;
};

// The request as the check reads it (a body that is not an object reads as an empty request).
CreateVersionRequest ReadCreateVersionRequest(const nlohmann::json& body);

// The scheme, network location and path of a URI as Python's urllib.parse.urlparse splits it
// (scheme lower-cased; "" when there is none), the path without its query (and, when
// allow_fragments, its fragment).
struct PyUrlParts {
  std::string scheme, netloc, path;
};
PyUrlParts PyUrlParse(std::string url, bool allow_fragments = true);

}  // namespace mlflow::auth
