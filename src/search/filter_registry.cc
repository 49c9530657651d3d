// Registered model and model version filters: MLflow's SearchModelUtils /
// SearchModelVersionUtils and the registry SQL store's checks (docs/reference/search.md).
#include "search/internal/filter_common.h"

namespace mlflow::search::internal {

Result<Clause> RegistryClause(const RawComparison& rc, bool versions) {
  MLFLOW_RETURN_IF_ERROR(CheckLeftIsIdentifier(rc));
  if (rc.op == "IS NULL" || rc.op == "IS NOT NULL") {
    return Invalid("Invalid comparison clause. Expected 3 tokens found 2");
  }
  MLFLOW_ASSIGN_OR_RETURN(auto id, AttributeOrTag(rc.left.text));
  Clause c;
  c.type = id.first;
  std::string key = std::move(id.second);
  // The registry checks the attribute name before removing quotes.
  if (c.type == KeyType::kAttribute) {
    bool ok = versions ? InSet(key, {"name", "version_number", "run_id", "source_path"}) : key == "name";
    if (!ok) {
      return Invalid("Invalid attribute key '" + key + "' specified. Valid keys are '" +
                     (versions ? "{'name', 'version_number', 'run_id', 'source_path'}" : "{'name'}") +
                     "'");
    }
  }
  key = TrimBackticks(StripQuotes(key));
  const std::string op = ToUpper(rc.op);
  const Item& v = rc.right;
  const bool numeric = versions && key == "version_number" && c.type == KeyType::kAttribute;
  if (c.type == KeyType::kTag) {
    if (!IsStringToken(v)) {
      return Invalid("Expected a quoted string value for tag (e.g. 'my-value'). Got value " + v.text);
    }
    MLFLOW_ASSIGN_OR_RETURN(std::string s, StripQuotesExpected(v.text));
    c.value = std::move(s);
  } else if (IsStringToken(v)) {
    MLFLOW_ASSIGN_OR_RETURN(std::string s, StripQuotesExpected(v.text));
    c.value = std::move(s);
  } else if (v.kind == ItemKind::kParen) {
    // MLflow 3.17: registered models take lists on name, model versions on name and run_id.
    const bool list_ok = versions ? (key == "name" || key == "run_id") : key == "name";
    if (!list_ok) {
      return Invalid(std::string("Only ") + (versions ? "['name', 'run_id']" : "['name']") +
                     " attributes support comparison with a list of quoted string values.");
    }
    MLFLOW_ASSIGN_OR_RETURN(auto list, ParseListLiteral(v.text));
    // Run ids are lower-case hex: other entries are dropped (3.6 quirk kept); names are not.
    c.value = key == "run_id" ? DropNonLower(std::move(list)) : std::move(list);
  } else if (versions && v.kind == ItemKind::kNumber) {
    if (!numeric) {
      return Invalid(
          "Only the '{'creation_timestamp', 'last_updated_timestamp', 'version_number'}' attributes "
          "support comparison with numeric values.");
    }
    MLFLOW_ASSIGN_OR_RETURN(Number num, ToNumber(v.text));
    c.value = std::move(num);
  } else {
    return Invalid(
        "Expected a quoted string value or a list of quoted string values for attributes. Got "
        "value " + v.text);
  }
  if (c.type == KeyType::kTag) {
    if (!InSet(op, kParamOps)) return Invalid("Invalid comparator for tag: " + op);
  } else if (!versions) {
    if (!InSet(op, kStringAttrOps)) return Invalid("Invalid comparator for attribute: " + op);
  } else if (numeric) {
    if (!InSet(op, kNumericOps))
      return Invalid("Invalid comparator for attribute " + key + ": " + op);
    // MLflow 3.17 takes version_number = '3' as the integer 3 and refuses anything else.
    if (auto* s = std::get_if<std::string>(&c.value)) {
      std::optional<int64_t> n = PyInt(*s);
      if (!n) return Invalid("Invalid value for numeric attribute '" + key + "': " + PyStrRepr(*s));
      Number num;
      num.text = std::to_string(*n);
      num.value = static_cast<double>(*n);
      num.integer = *n;
      c.value = std::move(num);
    } else if (!std::get<Number>(c.value).integer) {
      return Invalid("Invalid value for numeric attribute '" + key + "': " + std::get<Number>(c.value).text);
    }
  } else {
    bool ok = InSet(op, kStringAttrOps) && !((op == "IN" || op == "NOT IN") && key != "run_id" && key != "name");
    if (!ok) return Invalid("Invalid comparator for attribute: " + op);
  }
  MLFLOW_ASSIGN_OR_RETURN(c.comparator, ComparatorFromUpper(op));
  MLFLOW_RETURN_IF_ERROR(CheckListMatchesComparator(
      c, "Expected a quoted string value or a list of quoted string values for attributes. Got value " + v.text));
  c.key = key;
  return c;
}

}  // namespace mlflow::search::internal
