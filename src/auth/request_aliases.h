#pragma once
// MLflow 3.17.2 refuses a JSON body that spells one protobuf field both ways ("max_results" and
// "maxResults"), because its auth check and its handler could otherwise read different values
// (mlflow/server/handlers.py, _reject_conflicting_field_aliases, which the auth app's checks run
// through _get_request_message). Our checks read the fields themselves, so they refuse the same
// bodies, per message, from a description of the message's fields that have two spellings.
//
//   MLFLOW_RETURN_IF_ERROR(RejectConflictingAliases(body, SearchTracesV3Fields()));
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/status.h"

namespace mlflow::auth {

// A field of a request message: its proto name, its JSON name (equal when the name has no '_'),
// and, for a message-typed field, the fields of that message (checked in each element of a list).
struct AliasedField {
  std::string name;
  std::string json_name;
  std::vector<AliasedField> fields;
};

// INVALID_PARAMETER_VALUE "Request specifies both 'a_b' and 'aB'; provide only one of them." for
// the first field (in the order given, depth first) spelt both ways; OK otherwise, and for a body
// that is not an object.
Status RejectConflictingAliases(const nlohmann::json& body, const std::vector<AliasedField>& fields);

// The fields of SearchTracesV3 and QueryTraceMetrics (mlflow/protos/service.proto) that matter
// here: those with two spellings and the messages holding such fields.
const std::vector<AliasedField>& SearchTracesV3Fields();
const std::vector<AliasedField>& QueryTraceMetricsFields();

// The value of a field sent under either spelling (the proto name first), or nullptr.
const nlohmann::json* AliasedValue(const nlohmann::json& object, const AliasedField& field);

}  // namespace mlflow::auth
