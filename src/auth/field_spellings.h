#pragma once
// Which routes MLflow 3.17.2 parses into a protobuf message, and that message's fields whose proto
// name and JSON name differ ("max_results" / "maxResults"), with the message fields that lead to
// such a field. MLflow refuses a body spelling one of them both ways on exactly these routes
// (request_aliases.h); the ~70 routes that read raw JSON accept any keys. The table is facts read
// from the installed package: mlflow/server/handlers.py (which handler parses which message) and
// mlflow/protos/*.proto (the fields). Checked once per request in server/handlers/routes.cc.
//
//   const std::vector<AliasedField>* f = SpelledFieldsOfRoute("POST", "/api/2.0/mlflow/runs/search");
//   if (f != nullptr) MLFLOW_RETURN_IF_ERROR(RejectConflictingAliases(body, *f));
#include <string>
#include <string_view>
#include <vector>

#include "auth/request_aliases.h"

namespace mlflow::auth {

// The route's key in the table: "/ajax-api/" read as "/api/", and every path parameter segment
// ("{model_id}", "{path...}", MLflow's "<path:artifact_path>") as "{}".
std::string RouteKey(std::string_view path);

// The message MLflow parses on (method, path) when it has a field spelt two ways ("SearchRuns"),
// or "" (no message, or none of its fields has two spellings). path: as RouteKey takes it.
std::string_view MessageOfRoute(std::string_view method, std::string_view path);

// The fields of that message to check (AliasedField trees, in the proto's field order), or nullptr.
const std::vector<AliasedField>* SpelledFieldsOfRoute(std::string_view method, std::string_view path);

// protobuf's JSON name of a field: lowerCamel ("max_results" -> "maxResults").
std::string JsonName(std::string_view proto_name);

}  // namespace mlflow::auth
