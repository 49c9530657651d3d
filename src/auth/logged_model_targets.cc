#include "auth/logged_model_targets.h"

#include <initializer_list>
#include <set>

#include "auth/field_spellings.h"
#include "auth/request_aliases.h"

namespace mlflow::auth {
namespace {

const AliasedField kModelId{"model_id", "modelId", {}};

// The model id of one message object, when sent as a non-empty string.
void Collect(const nlohmann::json& object, std::set<std::string>* out) {
  const nlohmann::json* v = AliasedValue(object, kModelId);
  if (v != nullptr && v->is_string() && !v->get<std::string>().empty()) out->insert(v->get<std::string>());
}

// The fields of the list's item message (mlflow/protos/service.proto), for ItemsParsedBeforeFailure.
std::vector<AliasedField> Fields(std::initializer_list<const char*> names) {
  std::vector<AliasedField> out;
  for (const char* n : names) out.push_back({n, JsonName(n), {}});
  return out;
}

}  // namespace

std::vector<std::string> LoggedModelsWrittenBy(std::string_view message, const nlohmann::json& body) {
  std::set<std::string> ids;
  if (!body.is_object()) return {};
  auto items = [&](const char* list, const std::vector<AliasedField>& fields) {
    auto it = body.find(list);
    if (it == body.end()) return;
    for (const nlohmann::json* item : ItemsParsedBeforeFailure(*it, fields)) Collect(*item, &ids);
  };
  if (message == "LogMetric") {
    Collect(body, &ids);
  } else if (message == "LogBatch") {
    static const std::vector<AliasedField> kMetric =
        Fields({"key", "value", "timestamp", "step", "dataset_name", "dataset_digest", "model_id", "run_id"});
    items("metrics", kMetric);
  } else if (message == "LogInputs") {
    static const std::vector<AliasedField> kModelInput = Fields({"model_id"});
    items("models", kModelInput);
  } else if (message == "LogOutputs") {
    static const std::vector<AliasedField> kModelOutput = Fields({"model_id", "step"});
    items("models", kModelOutput);
  }
  return {ids.begin(), ids.end()};
}

}  // namespace mlflow::auth
