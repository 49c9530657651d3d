#pragma once
// A GraphQL query document, parsed: the subset MLflow's UI sends to /graphql (docs/reference/ui.md,
// "MLflow's UI"): operations with variable definitions and directives, fields with aliases,
// arguments (variables, literals, lists, input objects) and nested selection sets. Fragments,
// subscriptions and introspection are not part of it; they are refused with a message.
//
//   MLFLOW_ASSIGN_OR_RETURN(std::vector<GqlField> root,
//                           ParseGraphqlOperation(query, "GetRun", {{"data", {{"runId", id}}}}));
//   // root[0].name == "mlflowGetRun", root[0].args["input"]["runId"] == id
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/status.h"

namespace mlflow::server {

struct GqlField {
  std::string alias;  // the response key: the alias when given, else the name
  std::string name;
  nlohmann::json args = nlohmann::json::object();  // with variables substituted
  std::vector<GqlField> selections;                // empty for a leaf
};

// The root selection set of the operation named `operation_name` (or the only operation when the
// name is empty), with `variables` substituted into arguments (a missing variable takes its
// definition's default, else null).
// INVALID_PARAMETER_VALUE with GraphQL's kind of message on a syntax error.
Result<std::vector<GqlField>> ParseGraphqlOperation(std::string_view query, std::string_view operation_name,
                                                    const nlohmann::json& variables);

}  // namespace mlflow::server
