// Logged model filters: MLflow's search_logged_model_utils.parse_filter_string
// (docs/reference/search.md).
#include "search/internal/filter_common.h"

namespace mlflow::search::internal {
namespace {

constexpr const char* kLoggedStringOpsRepr = "('=', '!=', 'LIKE', 'ILIKE', 'IN', 'NOT IN')";
constexpr const char* kLoggedNumericOpsRepr = "('<', '<=', '>', '>=', '=', '!=')";
constexpr const char* kLoggedAttrKeysRepr =
    "{'name', 'model_id', 'model_type', 'status', 'source_run_id', 'experiment_id', "
    "'creation_timestamp', 'creation_time', 'creation_timestamp_ms', 'last_updated_timestamp', "
    "'last_updated_timestamp_ms'}";

}  // namespace

Result<Filter> ParseLoggedModelFilter(std::string_view filter) {
  Filter out;
  internal::LexResult lex = internal::Lex(filter, /*dash_in_identifiers=*/true);
  if (lex.items.empty()) return out;  // whitespace only: the reference yields no comparisons
  const std::string quoted = PyStrRepr(filter);
  if (lex.multiple_statements) {
    return Invalid("Invalid filter string: " + quoted + ". Expected a single SQL expression.");
  }
  Grouped g = Group(lex.items);
  if (!g.invalid.empty()) {
    return Invalid("Invalid filter string: " + quoted +
                   ". Expected a list of comparisons separated by 'AND' (e.g. 'metrics.loss > 0.1 "
                   "AND params.lr = 0.01').");
  }
  for (const RawComparison& rc : g.comparisons) {
    if (rc.right.kind == ItemKind::kNone) {
      return Invalid("Invalid comparison: " + rc.text + ". Expected a comparison with 3 tokens.");
    }
    Clause c;
    const std::string& ident = rc.left.text;
    // Entity.IDENTIFIER_RE = ^([a-z]+)\.(.+)$
    size_t p = 0;
    while (p < ident.size() && ident[p] >= 'a' && ident[p] <= 'z') ++p;
    std::string display;
    if (p > 0 && p < ident.size() && ident[p] == '.' && p + 1 < ident.size()) {
      std::string entity = ident.substr(0, p);
      c.key = StripChar(ident.substr(p + 1), '`');
      if (entity == "attributes") c.type = KeyType::kAttribute;
      else if (entity == "metrics") c.type = KeyType::kMetric;
      else if (entity == "params") c.type = KeyType::kParam;
      else if (entity == "tags") c.type = KeyType::kTag;
      else
        return Invalid("Invalid entity type: " + PyStrRepr(entity) +
                       ". Expected one of ['attributes', 'metrics', 'params', 'tags'].");
      display = entity + "." + c.key;
    } else {
      c.type = KeyType::kAttribute;
      std::string k = ident;
      if (k == "creation_time" || k == "creation_timestamp") k = "creation_timestamp_ms";
      else if (k == "last_updated_timestamp") k = "last_updated_timestamp_ms";
      c.key = StripChar(k, '`');
      display = "attributes." + c.key;
    }
    const bool numeric = c.type == KeyType::kMetric ||
                         (c.type == KeyType::kAttribute && (c.key == "creation_timestamp_ms" ||
                                                            c.key == "last_updated_timestamp_ms"));
    const std::string op = ToUpper(rc.op);
    bool op_ok = numeric ? InSet(op, kNumericOps) : InSet(op, kStringAttrOps);
    if (!op_ok) {
      return Invalid("Invalid comparison operator for " + display + ": " + PyStrRepr(rc.op) +
                     ". Expected one of " + (numeric ? kLoggedNumericOpsRepr : kLoggedStringOpsRepr) + ".");
    }
    if (c.type == KeyType::kAttribute) {
      if (c.key == "creation_time" || c.key == "creation_timestamp") c.key = "creation_timestamp_ms";
      if (c.key == "last_updated_timestamp") c.key = "last_updated_timestamp_ms";
      if (!InSet(c.key, {"name", "model_id", "model_type", "status", "source_run_id", "experiment_id",
                         "creation_timestamp_ms", "last_updated_timestamp_ms"})) {
        // The reference fails with an AttributeError (500) here.
        return Invalid("Invalid attribute key '" + c.key + "' specified. Valid keys are '" +
                       kLoggedAttrKeysRepr + "'");
      }
    }
    MLFLOW_ASSIGN_OR_RETURN(c.comparator, ComparatorFromUpper(op));
    const Item& v = rc.right;
    if (numeric) {
      Result<Number> num = ToNumber(v.text);
      if (!num.ok() || v.kind != ItemKind::kNumber) {
        // The reference raises a ValueError (500) from float(); answer 400.
        return Invalid("Invalid numeric value " + v.text + " for " + display + ".");
      }
      c.value = std::move(*num);
    } else if (v.kind == ItemKind::kParen) {
      MLFLOW_ASSIGN_OR_RETURN(auto list, ParseListLiteral(v.text));
      c.value = std::move(list);
    } else {
      c.value = StripChar(v.text, '\'');  // double quotes are kept, as in the reference
    }
    MLFLOW_RETURN_IF_ERROR(CheckListMatchesComparator(
        c, "Invalid comparison: " + rc.text + ". Expected a list of quoted strings with IN / NOT IN only."));
    out.clauses.push_back(std::move(c));
  }
  return out;
}

}  // namespace mlflow::search::internal
