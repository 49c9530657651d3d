#pragma once
// MLflow 3.17.2 refuses a JSON body that spells one protobuf field both ways ("max_results" and
// "maxResults"), because its auth check and its handler could otherwise read different values
// (mlflow/server/handlers.py, _reject_conflicting_field_aliases, run by _get_request_message for
// every caller, and so by the auth app's checks too). Every JSON route refuses such a body before
// its handler runs (server/handlers/routes.cc, from the table in auth/field_spellings.h); the auth
// gate's checks of the trace messages refuse it too, before they read the body.
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
// here: those with two spellings and the messages holding such fields (and every field of a
// location, for ItemsParsedBeforeFailure).
const std::vector<AliasedField>& SearchTracesV3Fields();
const std::vector<AliasedField>& QueryTraceMetricsFields();

// The value of a field sent under either spelling (the proto name first), or nullptr.
const nlohmann::json* AliasedValue(const nlohmann::json& object, const AliasedField& field);

// The object items of a repeated message field that MLflow's request parser (protobuf's ParseDict,
// which fills the message in place) reads before it fails. A string item, or a list of strings
// none of which names a field, reads as an empty message (its characters or elements are unknown
// field names, which MLflow ignores); any other non-object item (number, bool, null, other lists)
// ends the parse there, and MLflow's handlers go on with the items read before it, because the
// schema check that follows only asks for a list. `fields`: the item message's fields.
//
//   for (const nlohmann::json* loc : ItemsParsedBeforeFailure(*locations, SearchTracesV3Fields().front().fields))
std::vector<const nlohmann::json*> ItemsParsedBeforeFailure(const nlohmann::json& list,
                                                            const std::vector<AliasedField>& fields);

}  // namespace mlflow::auth
