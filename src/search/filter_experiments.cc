// Experiment filters: MLflow's SearchExperimentsUtils and
// _get_search_experiments_filter_clauses (docs/reference/search.md).
#include "search/internal/filter_common.h"

namespace mlflow::search::internal {
namespace {

constexpr const char* kExpAttrKeysRepr = "{'name', 'experiment_id', 'creation_time', 'last_update_time'}";

}  // namespace

// Follows MLflow 3.17 (a superset of 3.6): experiment_id filters (=, !=, IN, NOT IN on quoted
// ids) and IS [NOT] NULL on tags are accepted.
Result<Clause> ExperimentClause(const RawComparison& rc) {
  MLFLOW_RETURN_IF_ERROR(CheckLeftIsIdentifier(rc));
  MLFLOW_ASSIGN_OR_RETURN(auto id, AttributeOrTag(rc.left.text));
  Clause c;
  c.type = id.first;
  std::string key = TrimBackticks(StripQuotes(id.second));
  const bool numeric = key == "creation_time" || key == "last_update_time";
  if (c.type == KeyType::kAttribute && !(numeric || key == "name" || key == "experiment_id")) {
    return Invalid("Invalid attribute key '" + key + "' specified. Valid keys are '" +
                   kExpAttrKeysRepr + "'");
  }
  if (rc.op == "IS NULL" || rc.op == "IS NOT NULL") {
    if (c.type != KeyType::kTag) {
      return Invalid("IS NULL / IS NOT NULL is only supported for tags, not for attribute '" + key + "'");
    }
    c.key = key;
    c.comparator = rc.op == "IS NULL" ? Comparator::kIsNull : Comparator::kIsNotNull;
    return c;
  }
  const Item& v = rc.right;
  if (c.type == KeyType::kTag) {
    if (!IsStringToken(v)) {
      return Invalid("Expected a quoted string value for tag (e.g. 'my-value'). Got value " + v.text);
    }
    MLFLOW_ASSIGN_OR_RETURN(std::string s, StripQuotesExpected(v.text));
    c.value = std::move(s);
  } else if (numeric) {
    if (v.kind != ItemKind::kNumber) {
      return Invalid("Expected numeric value type for numeric attribute: " + key + ". Found " + v.text);
    }
    MLFLOW_ASSIGN_OR_RETURN(Number num, ToNumber(v.text));
    c.value = std::move(num);
  } else if (IsStringToken(v)) {
    MLFLOW_ASSIGN_OR_RETURN(std::string s, StripQuotesExpected(v.text));
    c.value = std::move(s);
  } else if (v.kind == ItemKind::kParen) {
    if (key != "experiment_id") {
      return Invalid("Only ['experiment_id'] attributes support comparison with a list of quoted string values.");
    }
    MLFLOW_ASSIGN_OR_RETURN(auto list, ParseListLiteral(v.text));
    c.value = std::move(list);
  } else {
    return Invalid("Expected a quoted string value for attributes. Got value " + v.text);
  }
  // The experiments store does not upper-case the comparator: `like` is rejected.
  const std::string& op = rc.op;
  if (c.type == KeyType::kTag) {
    if (!InSet(op, kParamOps)) return Invalid("Invalid comparator for tag: " + op);
  } else if (key == "experiment_id") {
    if (!InSet(op, {"=", "!=", "IN", "NOT IN"})) return Invalid("Invalid comparator for experiment_id: " + op);
    // Ids are compared as integers; keep their canonical decimal text.
    auto canon = [](const std::string& id) -> Result<std::string> {
      std::optional<int64_t> n = PyInt(id);
      if (!n) return Invalid("Invalid experiment ID '" + id + "'. Experiment ID must be a valid integer.");
      return std::to_string(*n);
    };
    if (auto* list = std::get_if<std::vector<std::string>>(&c.value)) {
      for (std::string& id : *list) {
        MLFLOW_ASSIGN_OR_RETURN(id, canon(id));
      }
    } else {
      MLFLOW_ASSIGN_OR_RETURN(std::string id, canon(std::get<std::string>(c.value)));
      c.value = std::move(id);
    }
  } else if (numeric) {
    if (!InSet(op, kNumericOps))
      return Invalid("Invalid comparator '" + op + "' not one of '" + kStringAttrOpsRepr);
    if (!std::get<Number>(c.value).integer) {
      return Invalid("Invalid value for numeric attribute '" + key + "': " + PyStrRepr(v.text));
    }
  } else {
    if (!InSet(op, kStringAttrOps))
      return Invalid("Invalid comparator '" + op + "' not one of '" + kStringAttrOpsRepr + "'");
    if (!InSet(op, kParamOps)) return Invalid("Invalid comparator for string attribute: " + op);
  }
  MLFLOW_ASSIGN_OR_RETURN(c.comparator, ComparatorFromUpper(op));
  MLFLOW_RETURN_IF_ERROR(
      CheckListMatchesComparator(c, "Expected a quoted string value for attributes. Got value " + v.text));
  c.key = key;
  return c;
}

}  // namespace mlflow::search::internal
