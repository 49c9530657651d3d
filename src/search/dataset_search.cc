// Evaluation dataset filters and order_by (search/dataset_search.h), on the shared lexer and
// front (internal/filter_common.h).
#include "search/dataset_search.h"

#include <cctype>

#include "search/internal/filter_common.h"

namespace mlflow::search {
namespace {

using internal::InSet;
using internal::Invalid;
using internal::ItemKind;

// MLflow prints these as Python sets (their order varies per process); we fix one order.
constexpr const char* kFilterKeysRepr = "{'name', 'created_time', 'last_update_time', 'created_by', 'last_updated_by'}";
constexpr const char* kOrderKeysRepr = "{'name', 'created_time', 'last_update_time'}";

bool IsNumericKey(const std::string& k) { return k == "created_time" || k == "last_update_time"; }

// MLflow's _get_identifier: "tags.<key>" or one of the attribute names; no quote stripping.
Result<std::pair<KeyType, std::string>> Identifier(const std::string& text, std::initializer_list<const char*> keys,
                                                   const char* keys_repr) {
  const size_t dot = text.find('.');
  if (dot == std::string::npos) {
    if (!InSet(text, keys)) {
      return Invalid("Invalid attribute key '" + text + "' specified. Valid keys are: " + keys_repr);
    }
    return std::make_pair(KeyType::kAttribute, text);
  }
  if (text.substr(0, dot) == "tags") return std::make_pair(KeyType::kTag, text.substr(dot + 1));
  return Invalid("Invalid identifier token '" + text.substr(0, dot) + "' specified");
}

Result<Clause> DatasetClause(const internal::RawComparison& rc) {
  MLFLOW_RETURN_IF_ERROR(internal::CheckLeftIsIdentifier(rc));
  MLFLOW_ASSIGN_OR_RETURN(auto id, Identifier(rc.left.text, {"name", "created_time", "last_update_time", "created_by",
                                                             "last_updated_by"},
                                              kFilterKeysRepr));
  Clause c;
  c.type = id.first;
  c.key = id.second;
  const std::string& op = rc.op;
  if (op == "IS NULL" || op == "IS NOT NULL" || op == "is null" || op == "is not null") {
    if (c.type != KeyType::kTag) {
      return Invalid("IS NULL / IS NOT NULL is only supported for tags and params, not for 'attribute' '" + c.key +
                     "'");
    }
    return Invalid("Invalid comparator for tag: " + internal::ToUpper(op));
  }
  const internal::Item& v = rc.right;
  if (c.type == KeyType::kTag) {
    if (!internal::IsStringToken(v)) {
      return Invalid("Expected a quoted string value for tag (e.g. 'my-value'). Got value " + v.text);
    }
    MLFLOW_ASSIGN_OR_RETURN(std::string s, internal::StripQuotesExpected(v.text));
    if (!InSet(op, {"=", "!=", "LIKE", "ILIKE"})) return Invalid("Invalid comparator for tag: " + op);
    c.value = std::move(s);
  } else if (IsNumericKey(c.key)) {
    if (v.kind != ItemKind::kNumber) {
      return Invalid("Expected numeric value type for numeric attribute: " + c.key + ". Found " + v.text);
    }
    MLFLOW_ASSIGN_OR_RETURN(Number num, internal::ToNumber(v.text));
    if (!InSet(op, {">", ">=", "!=", "=", "<", "<="})) return Invalid("Invalid comparator for numeric attribute: " + op);
    if (!num.integer) {
      return Invalid("Invalid value for numeric attribute '" + c.key + "': " + PyStrRepr(v.text));
    }
    c.value = std::move(num);
  } else if (internal::IsStringToken(v)) {
    MLFLOW_ASSIGN_OR_RETURN(std::string s, internal::StripQuotesExpected(v.text));
    if (!InSet(op, {"=", "!=", "LIKE", "ILIKE"})) return Invalid("Invalid comparator for string attribute: " + op);
    c.value = std::move(s);
  } else if (v.kind == ItemKind::kParen) {
    if (c.key != "name") {
      return Invalid("Only ['name'] attributes support comparison with a list of quoted string values.");
    }
    MLFLOW_ASSIGN_OR_RETURN(auto list, internal::ParseListLiteral(v.text));
    if (op != "IN") return Invalid("List values for 'name' are only supported with the IN comparator.");
    c.value = std::move(list);
  } else {
    return Invalid("Expected a quoted string value for attributes. Got value " + v.text);
  }
  MLFLOW_ASSIGN_OR_RETURN(c.comparator, internal::ComparatorFromUpper(op));
  return c;
}

}  // namespace

Result<Filter> ParseDatasetFilter(std::string_view filter) {
  if (filter.empty()) return Filter{};
  MLFLOW_ASSIGN_OR_RETURN(std::vector<internal::RawComparison> raw, internal::Front(filter, false));
  Filter out;
  for (const auto& rc : raw) {
    MLFLOW_ASSIGN_OR_RETURN(Clause c, DatasetClause(rc));
    out.clauses.push_back(std::move(c));
  }
  return out;
}

Result<OrderBy> ParseDatasetOrderBy(std::string_view clause) {
  const std::string bad = "Invalid order_by clause '" + std::string(clause) + "'. Could not be parsed.";
  internal::LexResult lex = internal::Lex(clause);
  if (lex.multiple_statements || lex.items.empty() || lex.items.size() > 2) return Invalid(bad);
  if (lex.items[0].kind != ItemKind::kIdent) return Invalid(bad);
  OrderBy ob;
  if (lex.items.size() == 2) {
    std::string d = internal::ToUpper(lex.items[1].text);
    if (d != "ASC" && d != "DESC") {
      return Invalid("Invalid ordering key in order_by clause '" + std::string(clause) + "'.");
    }
    ob.ascending = d == "ASC";
  }
  MLFLOW_ASSIGN_OR_RETURN(auto id, Identifier(lex.items[0].text, {"name", "created_time", "last_update_time"},
                                              kOrderKeysRepr));
  if (id.first != KeyType::kAttribute) return Invalid("Invalid order_by entity: tag");
  ob.type = id.first;
  ob.key = id.second;
  return ob;
}

}  // namespace mlflow::search
