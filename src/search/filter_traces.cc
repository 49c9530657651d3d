#include "search/filter_traces.h"

#include <cctype>
#include <cerrno>
#include <algorithm>
#include <cstdlib>
#include <optional>
#include <set>

#include "core/py_text.h"
#include "core/validation.h"
#include "search/internal/filter_common.h"
#include "search/internal/lexer.h"

namespace mlflow::search {
namespace {

using internal::Item;
using internal::ItemKind;

// The helpers every entity's filter shares (search/internal/filter_common.h).
using internal::Invalid;
using internal::IsKeyword;
using internal::IsOperand;
using internal::StripQuotes;
using internal::StripQuotesExpected;
using internal::TrimBackticks;

std::string Upper(std::string_view s) { return internal::ToUpper(s); }
std::string Lower(std::string_view s) {
  std::string o(s);
  for (char& c : o) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return o;
}
bool In(const std::string& v, std::initializer_list<const char*> set) { return internal::InSet(v, set); }

// Python sets as MLflow prints them, in one fixed order.
constexpr const char* kStringAttrOpsRepr = "{'!=', '=', 'IN', 'NOT IN', 'LIKE', 'ILIKE', 'RLIKE'}";
constexpr const char* kTagOpsRepr = "{'!=', '=', 'LIKE', 'ILIKE', 'RLIKE', 'IS NULL', 'IS NOT NULL'}";
constexpr const char* kSpanOpsRepr = "{'!=', '=', 'IN', 'NOT IN', 'LIKE', 'ILIKE', 'RLIKE'}";
constexpr const char* kSpanContentOpsRepr = "{'LIKE', 'ILIKE'}";
constexpr const char* kAssessmentOpsRepr =
    "{'!=', '=', '>', '>=', '<', '<=', 'LIKE', 'ILIKE', 'RLIKE', 'IS NULL', 'IS NOT NULL'}";
constexpr const char* kAttributeKeysRepr =
    "{'request_id', 'timestamp', 'timestamp_ms', 'execution_time', 'execution_time_ms', 'end_time', 'end_time_ms', "
    "'status', 'client_request_id', 'name', 'run_id', 'prompt', 'text'}";
constexpr const char* kIdentifiersRepr =
    "{'tag', 'request_metadata', 'attribute', 'span', 'feedback', 'expectation', 'issue', 'tags', 'attributes', "
    "'trace', 'metadata'}";
constexpr const char* kOrderKeysRepr =
    "{'experiment_id', 'timestamp', 'timestamp_ms', 'execution_time', 'execution_time_ms', 'end_time', "
    "'end_time_ms', 'status', 'request_id', 'name', 'run_id'}";

bool IsNumericAttribute(const std::string& k) {
  return In(k, {"timestamp_ms", "timestamp", "execution_time_ms", "execution_time", "end_time_ms", "end_time"});
}

// ---- grouping into comparisons (SearchUtils / sqlparse behaviour) ----

struct RawComparison {
  Item left;
  std::string op;
  Item right;  // kNone for IS NULL / IS NOT NULL
};

// Bare words sqlparse lexes as type names, not identifiers: a comparison cannot start with them
// (MLflow's trace grammar only special-cases `timestamp` followed by a numeric comparison).
bool IsBuiltinWord(const Item& it) {
  if (it.kind != ItemKind::kIdent || it.text.find('.') != std::string::npos) return false;
  std::string u = Upper(it.text);
  return u == "TEXT" || u == "TIMESTAMP";
}

Result<std::vector<RawComparison>> Group(std::string_view filter) {
  internal::LexResult lex = internal::Lex(filter);
  if (lex.items.empty()) return Invalid("Invalid filter '" + std::string(filter) + "'. Could not be parsed.");
  if (lex.multiple_statements) {
    return Invalid("Search filter contained multiple expression " + PyStrRepr(filter) +
                   ". Provide AND-ed expression list.");
  }
  // sqlparse keeps a trailing '.' in the identifier it ends ("tags.a." has the key "a.").
  std::vector<Item> items;
  for (auto& it : lex.items) {
    if (it.kind == ItemKind::kOther && it.text == "." && !items.empty() && items.back().kind == ItemKind::kIdent) {
      items.back().text += ".";
      continue;
    }
    items.push_back(std::move(it));
  }
  std::vector<RawComparison> out;
  std::vector<std::string> invalid;
  size_t i = 0;
  const size_t n = items.size();
  while (i < n) {
    const Item& a = items[i];
    if (IsKeyword(a, "AND")) {
      ++i;
      continue;
    }
    if (IsBuiltinWord(a)) {
      bool timestamp_ok = a.text == "timestamp" && i + 2 < n && items[i + 1].kind == ItemKind::kOp &&
                          In(items[i + 1].text, {">", ">=", "!=", "=", "<", "<="}) &&
                          items[i + 2].kind == ItemKind::kNumber &&
                          items[i + 2].text.find_first_of(".eE") == std::string::npos;
      if (timestamp_ok) {
        out.push_back({a, items[i + 1].text, items[i + 2]});
        i += 3;
        continue;
      }
      if (a.text == "timestamp" && i + 2 < n) {
        // MLflow takes the three tokens as they are and then reports the first one once more.
        for (size_t k = i; k < i + 3; ++k)
          if (!IsKeyword(items[k], "AND")) invalid.push_back(items[k].text);
        invalid.push_back(a.text);
        i += 3;
        continue;
      }
      invalid.push_back(a.text);
      ++i;
      continue;
    }
    if (i + 2 < n && IsOperand(a) && items[i + 1].kind == ItemKind::kOp && IsOperand(items[i + 2])) {
      out.push_back({a, items[i + 1].text, items[i + 2]});
      i += 3;
      continue;
    }
    if (a.kind == ItemKind::kIdent) {
      if (i + 2 < n && IsKeyword(items[i + 1], "IN") && items[i + 2].kind == ItemKind::kParen) {
        out.push_back({a, "IN", items[i + 2]});
        i += 3;
        continue;
      }
      if (i + 2 < n && IsKeyword(items[i + 1], "IS") && IsKeyword(items[i + 2], "NULL")) {
        out.push_back({a, "IS NULL", Item{}});
        i += 3;
        continue;
      }
      if (i + 3 < n && IsKeyword(items[i + 1], "IS") && IsKeyword(items[i + 2], "NOT") && IsKeyword(items[i + 3], "NULL")) {
        out.push_back({a, "IS NOT NULL", Item{}});
        i += 4;
        continue;
      }
      if (i + 3 < n && IsKeyword(items[i + 1], "NOT") && IsKeyword(items[i + 2], "IN") &&
          items[i + 3].kind == ItemKind::kParen) {
        out.push_back({a, "NOT IN", items[i + 3]});
        i += 4;
        continue;
      }
    }
    invalid.push_back(a.text);
    ++i;
  }
  if (!invalid.empty()) {
    std::string list;
    for (size_t k = 0; k < invalid.size(); ++k) list += (k ? ", '" : "'") + invalid[k] + "'";
    return Invalid("Invalid clause(s) in filter string: " + list);
  }
  return out;
}

Result<TraceComparator> ComparatorOf(const std::string& up) {
  static const std::pair<const char*, TraceComparator> kMap[] = {
      {"=", TraceComparator::kEq},          {"!=", TraceComparator::kNe},      {"<", TraceComparator::kLt},
      {"<=", TraceComparator::kLe},         {">", TraceComparator::kGt},       {">=", TraceComparator::kGe},
      {"LIKE", TraceComparator::kLike},     {"ILIKE", TraceComparator::kILike}, {"RLIKE", TraceComparator::kRLike},
      {"IN", TraceComparator::kIn},         {"NOT IN", TraceComparator::kNotIn}, {"IS NULL", TraceComparator::kIsNull},
      {"IS NOT NULL", TraceComparator::kIsNotNull}};
  for (const auto& [text, c] : kMap)
    if (up == text) return c;
  return Invalid("Invalid comparator '" + up + "'");
}

// A parsed clause before key mapping: the entity as written in canonical form, the comparator
// text as written, the value.
struct Parsed {
  std::string type;  // tag | request_metadata | attribute | span | feedback | expectation | issue
  std::string key;
  std::string op;    // as written ("like", "IS NULL", ...)
  TraceValue value;
};

Result<std::string> EntityType(const std::string& raw) {
  std::string e = TrimBackticks(raw);
  if (e == "tags" || e == "tag") return std::string("tag");
  if (e == "attributes" || e == "attribute" || e == "trace") return std::string("attribute");
  if (e == "metadata" || e == "request_metadata") return std::string("request_metadata");
  if (e == "span" || e == "feedback" || e == "expectation" || e == "issue") return e;
  return Invalid("Invalid entity type '" + e + "'. Valid values are " + kIdentifiersRepr);
}

Result<std::pair<std::string, std::string>> Identifier(const std::string& text, bool order_by) {
  size_t dot = text.find('.');
  std::string type = "attribute";
  std::string key = text;
  if (dot != std::string::npos) {
    MLFLOW_ASSIGN_OR_RETURN(type, EntityType(text.substr(0, dot)));
    key = text.substr(dot + 1);
  }
  key = TrimBackticks(StripQuotes(key));
  if (type == "attribute") {
    bool valid = order_by ? In(key, {"experiment_id", "timestamp", "timestamp_ms", "execution_time",
                                     "execution_time_ms", "end_time", "end_time_ms", "status", "request_id", "name",
                                     "run_id"})
                          : In(key, {"request_id", "timestamp", "timestamp_ms", "execution_time",
                                     "execution_time_ms", "end_time", "end_time_ms", "status", "client_request_id",
                                     "name", "run_id", "prompt", "text"});
    if (!valid) {
      return Invalid("Invalid attribute key '" + key + "' specified. Valid keys are '" +
                     (order_by ? kOrderKeysRepr : kAttributeKeysRepr) + "'");
    }
  }
  return std::make_pair(type, key);
}

Result<TraceNumber> Number(const std::string& text) {
  TraceNumber n;
  n.text = text;
  n.is_integer = text.find_first_of(".eE") == std::string::npos;
  errno = 0;
  n.value = std::strtod(text.c_str(), nullptr);
  if (n.is_integer) {
    char* end = nullptr;
    long long v = std::strtoll(text.c_str(), &end, 10);
    if (errno == ERANGE) {
      n.is_integer = false;  // beyond int64: compared as a double
    } else {
      n.integer = v;
    }
  }
  return n;
}

bool IsString(const Item& it) { return it.kind == ItemKind::kString || it.kind == ItemKind::kIdent; }

// SearchTraceUtils._get_value.
Result<TraceValue> Value(const std::string& type, const std::string& key, const Item& tok) {
  auto expected_string = [&] {
    return Invalid("Expected a quoted string value for " + type + " (e.g. 'my-value'). Got value " + tok.text);
  };
  if (type == "tag" || type == "span") {
    if (IsString(tok)) {
      MLFLOW_ASSIGN_OR_RETURN(std::string s, StripQuotesExpected(tok.text));
      return TraceValue(std::move(s));
    }
    if (tok.kind == ItemKind::kParen) {
      MLFLOW_ASSIGN_OR_RETURN(auto list, internal::ParseListLiteral(tok.text));
      return TraceValue(std::move(list));
    }
    return expected_string();
  }
  if (type == "attribute") {
    if (IsString(tok)) {
      MLFLOW_ASSIGN_OR_RETURN(std::string s, StripQuotesExpected(tok.text));
      return TraceValue(std::move(s));
    }
    if (tok.kind == ItemKind::kParen) {
      if (!In(key, {"name", "status", "request_id", "run_id", "client_request_id"})) {
        return Invalid(
            "Only attributes in {'name', 'status', 'request_id', 'run_id', 'client_request_id'} supports comparison "
            "with a list of quoted string values.");
      }
      MLFLOW_ASSIGN_OR_RETURN(auto list, internal::ParseListLiteral(tok.text));
      return TraceValue(std::move(list));
    }
    if (tok.kind == ItemKind::kNumber) {
      if (!IsNumericAttribute(key)) {
        return Invalid(
            "Only the '{'timestamp_ms', 'timestamp', 'execution_time_ms', 'execution_time', 'end_time_ms', "
            "'end_time'}' attributes support comparison with numeric values.");
      }
      MLFLOW_ASSIGN_OR_RETURN(TraceNumber num, Number(tok.text));
      return TraceValue(std::move(num));
    }
    return Invalid("Expected a quoted string value or a list of quoted string values for attributes. Got value " +
                   tok.text);
  }
  if (type == "request_metadata" || type == "issue") {
    if (IsString(tok)) {
      MLFLOW_ASSIGN_OR_RETURN(std::string s, StripQuotesExpected(tok.text));
      return TraceValue(std::move(s));
    }
    return expected_string();
  }
  // feedback / expectation
  if (IsString(tok)) {
    MLFLOW_ASSIGN_OR_RETURN(std::string s, StripQuotesExpected(tok.text));
    return TraceValue(std::move(s));
  }
  if (tok.kind == ItemKind::kNumber) {
    MLFLOW_ASSIGN_OR_RETURN(TraceNumber num, Number(tok.text));
    return TraceValue(std::move(num));
  }
  return Invalid("Expected a quoted string value or numeric value for " + type + " (e.g. 'my-value' or 0.8). Got value " +
                 tok.text);
}

// SearchTraceUtils.is_span with the comparator as given.
Status CheckSpan(const std::string& key, const std::string& op) {
  const bool span_op = In(op, {"!=", "=", "IN", "NOT IN", "LIKE", "ILIKE", "RLIKE"});
  if (key.rfind("attributes.", 0) == 0) {
    if (key.size() == std::string("attributes.").size()) {
      return Invalid("Span attribute name cannot be empty after 'attributes.'");
    }
    if (!span_op) return Invalid("span." + key + " comparator '" + op + "' not one of '" + kSpanOpsRepr + "'");
  } else if (In(key, {"name", "type", "status"})) {
    if (!span_op) return Invalid("span." + key + " comparator '" + op + "' not one of '" + kSpanOpsRepr + "'");
  } else if (key == "content") {
    if (!In(op, {"LIKE", "ILIKE"})) {
      return Invalid("span." + key + " comparator '" + op + "' not one of '" + kSpanContentOpsRepr + "'");
    }
  } else {
    return Invalid("Invalid span attribute '" + key + "'. Supported attributes: name, status, type, attributes.<attribute_name>.");
  }
  return Status();
}

Result<Parsed> ParseComparison(const RawComparison& rc) {
  if (rc.left.kind != ItemKind::kIdent) {
    return Invalid("Invalid comparison clause. Expected 'Identifier' found '" + rc.left.text + "'");
  }
  MLFLOW_ASSIGN_OR_RETURN(auto id, Identifier(rc.left.text, false));
  Parsed p;
  p.type = id.first;
  p.key = id.second;
  p.op = rc.op;
  if (rc.op == "IS NULL" || rc.op == "IS NOT NULL") return p;
  if (p.type == "feedback" || p.type == "expectation") {
    const bool numeric_op = In(rc.op, {">", ">=", "<", "<="});
    const bool is_string = IsString(rc.right);
    const bool is_number = rc.right.kind == ItemKind::kNumber;
    if ((is_string && numeric_op) || (is_number && !numeric_op) || (!is_string && !is_number)) {
      if (numeric_op) {
        return Invalid("Expected a numeric value for " + p.type + " when using comparator '" + rc.op +
                       "'. Got value " + rc.right.text);
      }
      return Invalid("Expected a quoted string value for " + p.type + " (e.g. 'my-value'). Got value " + rc.right.text);
    }
  }
  MLFLOW_ASSIGN_OR_RETURN(p.value, Value(p.type, p.key, rc.right));
  if (p.type == "span") MLFLOW_RETURN_IF_ERROR(CheckSpan(p.key, p.op));
  return p;
}

// _replace_key_to_tag_or_metadata.
void MapKey(Parsed& p) {
  if (p.type == "span") return;
  std::string k = Lower(p.key);
  if (k == "name") {
    p.type = "tag";
    p.key = "mlflow.traceName";
  } else if (k == "prompt") {
    p.type = "tag";
    p.key = "mlflow.linkedPrompts";
  } else if (k == "run_id") {
    p.type = "request_metadata";
    p.key = "mlflow.sourceRun";
  } else if (k == "text") {
    p.type = "span";
    p.key = "content";
  } else if (k == "timestamp") {
    p.key = "timestamp_ms";
  } else if (k == "execution_time") {
    p.key = "execution_time_ms";
  } else if (k == "end_time") {
    p.key = "end_time_ms";
  }
}

// The checks MLflow's SQL store makes while building the query (comparators per key type).
Result<TraceClause> Check(Parsed p) {
  TraceClause c;
  c.key = p.key;
  c.value = std::move(p.value);
  std::string op = Upper(p.op);
  if (p.type == "issue") {
    if (p.key != "id") return Invalid("Invalid issue attribute '" + p.key + "'. Supported attributes: id");
    if (op != "=") return Invalid("issue." + p.key + " comparator '" + op + "' not one of '{'='}'");
    c.type = TraceKeyType::kIssue;
  } else if (p.type == "attribute") {
    if (IsNumericAttribute(p.key)) {
      if (!In(op, {">", ">=", "!=", "=", "<", "<="})) {
        return Invalid("Invalid comparator '" + op + "' not one of '" + std::string(kStringAttrOpsRepr));
      }
    } else if (!In(op, {"!=", "=", "IN", "NOT IN", "LIKE", "ILIKE", "RLIKE"})) {
      return Invalid("Invalid comparator '" + op + "' not one of '" + std::string(kStringAttrOpsRepr) + "'");
    }
    c.type = TraceKeyType::kAttribute;
  } else if (p.type == "tag") {
    if (!In(op, {"!=", "=", "LIKE", "ILIKE", "RLIKE", "IS NULL", "IS NOT NULL"})) {
      return Invalid("Invalid comparator '" + op + "' not one of '" + std::string(kTagOpsRepr));
    }
    if (p.key == "mlflow.linkedPrompts") {
      if (op != "=") {
        return Invalid("Invalid comparator '" + op +
                       "' for prompts filter. Only '=' is supported with format: prompt = \"name/version\"");
      }
      const std::string* v = std::get_if<std::string>(&c.value);
      if (!v || std::count(v->begin(), v->end(), '/') != 1) {
        return Invalid("Invalid prompts filter value '" + (v ? *v : std::string()) +
                       "'. Expected format: prompt = \"name/version\"");
      }
    }
    c.type = TraceKeyType::kTag;
  } else if (p.type == "request_metadata") {
    if (!In(op, {"!=", "=", "LIKE", "ILIKE", "RLIKE", "IS NULL", "IS NOT NULL"})) {
      return Invalid("Invalid comparator '" + op + "' not one of '" + std::string(kTagOpsRepr) + "'");
    }
    if ((p.key == "mlflow.trace.tokenUsage" || p.key == "mlflow.trace.cost") &&
        !In(op, {"=", "!=", "IS NULL", "IS NOT NULL"})) {
      return Invalid("Comparator '" + op + "' is not supported for reserved metadata '" + p.key +
                     "'. Only '=', '!=', 'IS NULL', and 'IS NOT NULL' are supported.");
    }
    c.type = TraceKeyType::kMetadata;
  } else if (p.type == "span") {
    MLFLOW_RETURN_IF_ERROR(CheckSpan(p.key, op));
    c.type = TraceKeyType::kSpan;
  } else if (p.type == "feedback" || p.type == "expectation") {
    if (p.key.empty()) return Invalid("Assessment field name cannot be empty");
    if (!In(op, {"!=", "=", ">", ">=", "<", "<=", "LIKE", "ILIKE", "RLIKE", "IS NULL", "IS NOT NULL"})) {
      return Invalid("assessment." + p.key + " comparator '" + op + "' not one of '" + kAssessmentOpsRepr + "'");
    }
    c.type = p.type == "feedback" ? TraceKeyType::kFeedback : TraceKeyType::kExpectation;
  } else {
    return Invalid("Invalid search expression type '" + p.type + "'");
  }
  MLFLOW_ASSIGN_OR_RETURN(c.comparator, ComparatorOf(op));
  // IN / NOT IN need a list and the other comparators a scalar: MLflow hands a mismatch to SQL,
  // which fails; we refuse it here.
  const bool list_op = c.comparator == TraceComparator::kIn || c.comparator == TraceComparator::kNotIn;
  const bool is_list = std::holds_alternative<std::vector<std::string>>(c.value);
  if (list_op != is_list) {
    return Invalid("Invalid comparison: comparator '" + op + "' " +
                   (list_op ? "requires a list of quoted string values" : "does not take a list"));
  }
  return c;
}

// SearchUtils._parse_order_by_string.
Result<std::pair<std::string, bool>> SplitOrderBy(std::string_view clause) {
  const std::string bad = "Invalid order_by clause '" + std::string(clause) + "'. Could not be parsed.";
  if (clause.empty() || std::isspace(static_cast<unsigned char>(clause.front())) ||
      std::isspace(static_cast<unsigned char>(clause.back()))) {
    return Invalid(bad);
  }
  internal::LexResult lex = internal::Lex(clause);
  if (lex.multiple_statements || lex.items.empty() || lex.items.size() > 2) return Invalid(bad);
  if (lex.items[0].kind != ItemKind::kIdent) return Invalid(bad);
  std::string word;
  for (char c : lex.items[0].text)
    if (c != '"' && c != '`' && c != '\'') word += c;  // shlex.split after ` -> "
  if (lex.items.size() == 1) return std::make_pair(lex.items[0].text, true);
  std::string dir = Lower(lex.items[1].text);
  if (lex.items[1].kind != ItemKind::kIdent && lex.items[1].kind != ItemKind::kKeyword) return Invalid(bad);
  if (dir != "asc" && dir != "desc") {
    return Invalid("Invalid ordering key in order_by clause '" + std::string(clause) + "'.");
  }
  return std::make_pair(word, dir == "asc");
}

}  // namespace

std::string_view TraceComparatorText(TraceComparator c) {
  switch (c) {
    case TraceComparator::kEq: return "=";
    case TraceComparator::kNe: return "!=";
    case TraceComparator::kLt: return "<";
    case TraceComparator::kLe: return "<=";
    case TraceComparator::kGt: return ">";
    case TraceComparator::kGe: return ">=";
    case TraceComparator::kLike: return "LIKE";
    case TraceComparator::kILike: return "ILIKE";
    case TraceComparator::kRLike: return "RLIKE";
    case TraceComparator::kIn: return "IN";
    case TraceComparator::kNotIn: return "NOT IN";
    case TraceComparator::kIsNull: return "IS NULL";
    case TraceComparator::kIsNotNull: return "IS NOT NULL";
  }
  return "?";
}

Result<std::vector<TraceClause>> ParseTraceFilter(std::string_view filter) {
  std::vector<TraceClause> out;
  if (filter.empty()) return out;
  MLFLOW_ASSIGN_OR_RETURN(std::vector<RawComparison> raw, Group(filter));
  std::vector<Parsed> parsed;
  for (const RawComparison& rc : raw) {
    MLFLOW_ASSIGN_OR_RETURN(Parsed p, ParseComparison(rc));
    MapKey(p);
    parsed.push_back(std::move(p));
  }
  for (Parsed& p : parsed) {
    MLFLOW_ASSIGN_OR_RETURN(TraceClause c, Check(std::move(p)));
    out.push_back(std::move(c));
  }
  return out;
}

Result<std::vector<TraceOrderBy>> ParseTraceOrderBy(const std::vector<std::string>& order_by) {
  std::vector<TraceOrderBy> out;
  std::set<std::pair<int, std::string>> seen;
  for (const std::string& clause : order_by) {
    MLFLOW_ASSIGN_OR_RETURN(auto split, SplitOrderBy(clause));
    std::string text = split.first;
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.pop_back();
    MLFLOW_ASSIGN_OR_RETURN(auto id, Identifier(text, true));
    Parsed p;
    p.type = id.first;
    p.key = id.second;
    MapKey(p);
    TraceOrderBy ob;
    ob.ascending = split.second;
    ob.key = p.key;
    if (p.type == "attribute") {
      ob.type = TraceKeyType::kAttribute;
    } else if (p.type == "tag") {
      ob.type = TraceKeyType::kTag;
    } else if (p.type == "request_metadata") {
      ob.type = TraceKeyType::kMetadata;
      if (p.key == "mlflow.trace.tokenUsage" || p.key == "mlflow.trace.cost") {
        return Invalid("Ordering by reserved metadata '" + p.key +
                       "' is not supported because it is represented by multiple columns.");
      }
    } else {
      return Invalid("Invalid identifier type '" + p.type + "'");
    }
    if (!seen.insert({static_cast<int>(ob.type), ob.key}).second) {
      std::string list = "[";
      for (size_t i = 0; i < order_by.size(); ++i) list += (i ? ", '" : "'") + order_by[i] + "'";
      return Invalid("`order_by` contains duplicate fields: " + list + "]");
    }
    out.push_back(std::move(ob));
  }
  return out;
}

}  // namespace mlflow::search
