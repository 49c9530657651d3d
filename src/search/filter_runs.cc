// Run filters: MLflow's SearchUtils and SqlAlchemyStore._get_sqlalchemy_filter_clauses
// (docs/reference/search.md).
#include "search/internal/filter_common.h"

namespace mlflow::search::internal {
namespace {

constexpr const char* kRunEntityList = "['metric', 'parameter', 'tag', 'attribute', 'dataset']";
constexpr const char* kRunAttrKeysRepr =
    "{'artifact_uri', 'created', 'Created', 'end_time', 'run_id', 'run_name', 'run name', "
    "'Run name', 'Run Name', 'start_time', 'status', 'user_id'}";

bool IsRunAttribute(const std::string& k) {
  return InSet(k, {"run_id", "run_name", "user_id", "status", "artifact_uri", "start_time",
                   "end_time", "created", "Created", "run name", "Run name", "Run Name"});
}
bool IsRunNumericAttribute(const std::string& k) {
  return InSet(k, {"start_time", "end_time", "created", "Created"});
}
std::string TranslateRunAlias(const std::string& k) {
  if (k == "created" || k == "Created") return "start_time";
  if (k == "run name" || k == "Run name" || k == "Run Name") return "run_name";
  return k;
}

// Resolves "entity.key" for runs; `valid_attr`/`attr_repr` differ between filters and order_by.
Result<std::pair<KeyType, std::string>> RunIdentifier(const std::string& raw,
                                                      bool (*valid_attr)(const std::string&),
                                                      const char* attr_repr) {
  size_t dot = raw.find('.');
  KeyType type = KeyType::kAttribute;
  std::string key;
  if (dot == std::string::npos) {
    key = raw;
  } else {
    std::string entity = TrimBackticks(raw.substr(0, dot));
    key = raw.substr(dot + 1);
    if (entity == "metric" || entity == "metrics") {
      type = KeyType::kMetric;
    } else if (InSet(entity, {"parameter", "parameters", "param", "params"})) {
      type = KeyType::kParam;
    } else if (entity == "tag" || entity == "tags") {
      type = KeyType::kTag;
    } else if (InSet(entity, {"attribute", "attributes", "attr", "run"})) {
      type = KeyType::kAttribute;
    } else if (entity == "dataset" || entity == "datasets") {
      type = KeyType::kDataset;
    } else {
      return Invalid("Invalid entity type '" + entity + "'. Valid values are " + kRunEntityList);
    }
  }
  key = TrimBackticks(StripQuotes(key));
  if (type == KeyType::kAttribute && !valid_attr(key)) {
    return Invalid("Invalid attribute key '" + key + "' specified. Valid keys are '" + attr_repr + "'");
  }
  if (type == KeyType::kDataset && !InSet(key, {"name", "digest", "context"})) {
    return Invalid("Invalid dataset key '" + key +
                   "' specified. Valid keys are '{'name', 'digest', 'context'}'");
  }
  return std::make_pair(type, key);
}

}  // namespace

Result<Clause> RunClause(const RawComparison& rc) {
  MLFLOW_RETURN_IF_ERROR(CheckLeftIsIdentifier(rc));
  MLFLOW_ASSIGN_OR_RETURN(auto id, RunIdentifier(rc.left.text, IsRunAttribute, kRunAttrKeysRepr));
  Clause c;
  c.type = id.first;
  const std::string& key = id.second;
  const std::string op = ToUpper(rc.op);
  const Item& v = rc.right;

  if (op == "IS NULL" || op == "IS NOT NULL") {
    if (c.type != KeyType::kParam && c.type != KeyType::kTag) {
      std::string tname = c.type == KeyType::kMetric      ? "metric"
                          : c.type == KeyType::kAttribute ? "attribute"
                                                          : "dataset";
      return Invalid("IS NULL / IS NOT NULL is only supported for tags and params, not for '" +
                     tname + "' '" + key + "'");
    }
    c.key = key;
    c.comparator = op == "IS NULL" ? Comparator::kIsNull : Comparator::kIsNotNull;
    return c;
  }

  // Value (SearchUtils._get_value).
  switch (c.type) {
    case KeyType::kMetric: {
      if (v.kind != ItemKind::kNumber) {
        return Invalid("Expected numeric value type for metric. Found " + v.text);
      }
      MLFLOW_ASSIGN_OR_RETURN(Number num, ToNumber(v.text));
      c.value = std::move(num);
      break;
    }
    case KeyType::kParam:
    case KeyType::kTag: {
      if (!IsStringToken(v)) {
        return Invalid(std::string("Expected a quoted string value for ") +
                       (c.type == KeyType::kParam ? "parameter" : "tag") +
                       " (e.g. 'my-value'). Got value " + v.text);
      }
      MLFLOW_ASSIGN_OR_RETURN(std::string s, StripQuotesExpected(v.text));
      c.value = std::move(s);
      break;
    }
    case KeyType::kAttribute: {
      if (IsRunNumericAttribute(key)) {
        if (v.kind != ItemKind::kNumber) {
          return Invalid("Expected numeric value type for numeric attribute: " + key + ". Found " +
                         v.text);
        }
        MLFLOW_ASSIGN_OR_RETURN(Number num, ToNumber(v.text));
        c.value = std::move(num);
      } else if (IsStringToken(v)) {
        MLFLOW_ASSIGN_OR_RETURN(std::string s, StripQuotesExpected(v.text));
        c.value = std::move(s);
      } else if (v.kind == ItemKind::kParen) {
        if (key != "run_id") {
          return Invalid("Only ['run_id'] attributes support comparison with a list of quoted string values.");
        }
        MLFLOW_ASSIGN_OR_RETURN(auto list, ParseListLiteral(v.text));
        // Run ids are lower-case hex; MLflow drops other entries (MySQL IN is case-insensitive).
        c.value = DropNonLower(std::move(list));
      } else {
        return Invalid("Expected a quoted string value for attributes. Got value " + v.text);
      }
      break;
    }
    case KeyType::kDataset: {
      if (IsStringToken(v)) {
        MLFLOW_ASSIGN_OR_RETURN(std::string s, StripQuotesExpected(v.text));
        c.value = std::move(s);
      } else if (v.kind == ItemKind::kParen) {
        MLFLOW_ASSIGN_OR_RETURN(auto list, ParseListLiteral(v.text));
        c.value = DropNonLower(std::move(list));  // reference quirk, kept
      } else {
        return Invalid("Expected a quoted string value for dataset attributes. Got value " + v.text);
      }
      break;
    }
  }

  // Comparator (SearchUtils.is_* as called by the SQL store, on the upper-cased comparator).
  switch (c.type) {
    case KeyType::kMetric:
      if (!InSet(op, kNumericOps))
        return Invalid("Invalid comparator '" + op + "' not one of '" + kNumericOpsRepr);
      break;
    case KeyType::kParam:
      if (!InSet(op, kParamOps))
        return Invalid("Invalid comparator '" + op + "' not one of '" + kParamOpsRepr + "'");
      break;
    case KeyType::kTag:
      if (!InSet(op, kParamOps))
        return Invalid("Invalid comparator '" + op + "' not one of '" + kParamOpsRepr);
      break;
    case KeyType::kAttribute:
      if (IsRunNumericAttribute(key)) {
        if (!InSet(op, kNumericOps))
          return Invalid("Invalid comparator '" + op + "' not one of '" + kStringAttrOpsRepr);
      } else if (!InSet(op, kStringAttrOps)) {
        return Invalid("Invalid comparator '" + op + "' not one of '" + kStringAttrOpsRepr + "'");
      }
      break;
    case KeyType::kDataset:
      if (!InSet(op, kStringAttrOps))
        return Invalid("Invalid comparator '" + op + "' not one of '" + kStringAttrOpsRepr);
      break;
  }
  MLFLOW_ASSIGN_OR_RETURN(c.comparator, ComparatorFromUpper(op));
  // e.g. run_id = ('a'): the reference hands a tuple to SQL; we refuse instead.
  MLFLOW_RETURN_IF_ERROR(
      CheckListMatchesComparator(c, "Expected a quoted string value for attributes. Got value " + v.text));
  c.key = c.type == KeyType::kAttribute ? TranslateRunAlias(key) : key;
  return c;
}

}  // namespace mlflow::search::internal
