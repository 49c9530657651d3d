#include "search/filter.h"

#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <limits>

#include "search/internal/lexer.h"

namespace mlflow::search {
namespace {

using internal::Item;
using internal::ItemKind;

Status Invalid(std::string m) { return Status::InvalidParameter(std::move(m)); }

std::string ToUpper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

bool IsQuoted(std::string_view v, char q) { return v.size() >= 2 && v.front() == q && v.back() == q; }

// MLflow's _trim_backticks.
std::string TrimBackticks(std::string_view v) {
  if (IsQuoted(v, '`')) return std::string(v.substr(1, v.size() - 2));
  return std::string(v);
}

// MLflow's _strip_quotes(value, expect_quoted_value=false).
std::string StripQuotes(std::string_view v) {
  if (IsQuoted(v, '\'') || IsQuoted(v, '"')) return std::string(v.substr(1, v.size() - 2));
  return std::string(v);
}

// MLflow's _strip_quotes(value, expect_quoted_value=true).
Result<std::string> StripQuotesExpected(std::string_view v) {
  if (IsQuoted(v, '\'') || IsQuoted(v, '"')) return std::string(v.substr(1, v.size() - 2));
  return Invalid(
      "Parameter value is either not quoted or unidentified quote types used for string value " +
      std::string(v) + ". Use either single or double quotes.");
}

// Python str.islower(): at least one cased character and no upper-case one (ASCII view; other
// bytes are uncased, which matches run ids).
bool PyIsLower(std::string_view s) {
  bool cased = false;
  for (unsigned char c : s) {
    if (std::isupper(c)) return false;
    if (std::islower(c)) cased = true;
  }
  return cased;
}

Result<Number> ToNumber(const std::string& text) {
  Number n;
  n.text = text;
  errno = 0;
  char* end = nullptr;
  n.value = std::strtod(text.c_str(), &end);
  if (end == text.c_str() || *end != '\0') return Invalid("Invalid numeric value " + text);
  bool integral = !text.empty();
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (!(std::isdigit(static_cast<unsigned char>(c)) || (i == 0 && c == '-'))) integral = false;
  }
  if (integral) {
    errno = 0;
    long long v = std::strtoll(text.c_str(), &end, 10);
    if (errno == 0 && *end == '\0') n.integer = static_cast<int64_t>(v);
  }
  return n;
}

Result<Comparator> ComparatorFromUpper(const std::string& up) {
  if (up == "=") return Comparator::kEq;
  if (up == "!=") return Comparator::kNe;
  if (up == "<") return Comparator::kLt;
  if (up == "<=") return Comparator::kLe;
  if (up == ">") return Comparator::kGt;
  if (up == ">=") return Comparator::kGe;
  if (up == "LIKE") return Comparator::kLike;
  if (up == "ILIKE") return Comparator::kILike;
  if (up == "IN") return Comparator::kIn;
  if (up == "NOT IN") return Comparator::kNotIn;
  if (up == "IS NULL") return Comparator::kIsNull;
  if (up == "IS NOT NULL") return Comparator::kIsNotNull;
  return Invalid("unknown comparator");
}

bool InSet(const std::string& v, std::initializer_list<const char*> set) {
  for (const char* s : set)
    if (v == s) return true;
  return false;
}

// Comparator sets as MLflow prints them (Python set reprs; we fix one order).
constexpr const char* kNumericOpsRepr = "{'>', '>=', '!=', '=', '<', '<='}";
constexpr const char* kParamOpsRepr = "{'!=', '=', 'LIKE', 'ILIKE', 'IS NULL', 'IS NOT NULL'}";
constexpr const char* kStringAttrOpsRepr = "{'!=', '=', 'LIKE', 'ILIKE', 'IN', 'NOT IN'}";
const std::initializer_list<const char*> kNumericOps = {">", ">=", "!=", "=", "<", "<="};
const std::initializer_list<const char*> kParamOps = {"!=", "=", "LIKE", "ILIKE"};
const std::initializer_list<const char*> kStringAttrOps = {"!=", "=", "LIKE", "ILIKE", "IN", "NOT IN"};

// One comparison as grouped by the lexer: left operand, operator text, right operand.
struct RawComparison {
  Item left;
  std::string op;  // original text ("like", "NOT IN", "IS NULL", ...)
  Item right;      // kNone for IS NULL / IS NOT NULL
  std::string text;
};

// ---- list literal inside parentheses (MLflow: ast.literal_eval of the parenthesis text) ----

// Parses a Python literal of string items: "('a', 'b')", "('a')", "('a' 'b')", "()".
// Returns the strings; errors use MLflow's list messages.
Result<std::vector<std::string>> ParseListLiteral(std::string_view paren) {
  const std::string ill_formed =
      "While parsing a list in the query, expected a non-empty list of string values, but got "
      "ill-formed list.";
  // Elements as reprs, for the "different type" message.
  std::vector<std::string> items;
  std::vector<std::string> reprs;
  bool non_string = false;
  bool saw_comma_or_multi = false;
  size_t i = 1;
  size_t n = paren.size();
  if (n < 2 || paren.front() != '(' || paren.back() != ')') return Invalid(ill_formed);
  n -= 1;  // index of ')'
  auto skip_ws = [&] {
    while (i < n && std::isspace(static_cast<unsigned char>(paren[i]))) ++i;
  };
  skip_ws();
  if (i == n) {
    return Invalid(
        "While parsing a list in the query, expected a non-empty list of string values, but got "
        "empty list");
  }
  while (i < n) {
    skip_ws();
    if (i >= n) break;
    char c = paren[i];
    if (c == '\'' || c == '"') {
      // One element: adjacent string literals concatenate.
      std::string value;
      while (i < n && (paren[i] == '\'' || paren[i] == '"')) {
        char q = paren[i++];
        bool closed = false;
        while (i < n) {
          char d = paren[i];
          if (d == '\\' && i + 1 < n) {
            char e = paren[i + 1];
            switch (e) {
              case 'n': value += '\n'; break;
              case 't': value += '\t'; break;
              case 'r': value += '\r'; break;
              case '\\': value += '\\'; break;
              case '\'': value += '\''; break;
              case '"': value += '"'; break;
              case '\n': break;
              default: value += '\\'; value += e; break;
            }
            i += 2;
            continue;
          }
          if (d == '\n') return Invalid(ill_formed);
          ++i;
          if (d == q) {
            closed = true;
            break;
          }
          value += d;
        }
        if (!closed) return Invalid(ill_formed);
        skip_ws();
      }
      reprs.push_back(PyRepr(value));
      items.push_back(std::move(value));
    } else if (std::isdigit(static_cast<unsigned char>(c)) || c == '-' || c == '.') {
      size_t start = i;
      ++i;
      while (i < n && (std::isalnum(static_cast<unsigned char>(paren[i])) || paren[i] == '.' ||
                       paren[i] == '_'))
        ++i;
      std::string num(paren.substr(start, i - start));
      char* end = nullptr;
      std::strtod(num.c_str(), &end);
      if (end == num.c_str() || *end != '\0') return Invalid(ill_formed);
      non_string = true;
      reprs.push_back(num);
      items.push_back(num);
      skip_ws();
    } else {
      return Invalid(ill_formed);
    }
    if (i < n) {
      if (paren[i] != ',') return Invalid(ill_formed);
      saw_comma_or_multi = true;
      ++i;
      skip_ws();
    }
  }
  if (non_string) {
    std::string tuple = "(";
    for (size_t k = 0; k < reprs.size(); ++k) {
      if (k) tuple += ", ";
      tuple += reprs[k];
    }
    if (reprs.size() == 1 && saw_comma_or_multi) tuple += ",";
    tuple += ")";
    if (reprs.size() == 1 && !saw_comma_or_multi) tuple = reprs[0];
    return Invalid(
        "While parsing a list in the query, expected string value, punctuation, or whitespace, but "
        "got different type in list: " + tuple);
  }
  return items;
}

std::vector<std::string> DropNonLower(std::vector<std::string> in) {
  std::vector<std::string> out;
  for (auto& s : in)
    if (PyIsLower(s)) out.push_back(std::move(s));
  return out;
}

bool IsStringToken(const Item& it) { return it.kind == ItemKind::kString || it.kind == ItemKind::kIdent; }

// ------------------------------------------------------------------------------------------
// Grouping of the token stream into comparisons, AND separators and invalid items.

struct Grouped {
  std::vector<RawComparison> comparisons;
  std::vector<std::string> invalid;  // texts of items that are neither comparison nor AND
};

bool IsOperand(const Item& it) {
  switch (it.kind) {
    case ItemKind::kIdent:
    case ItemKind::kString:
    case ItemKind::kNumber:
    case ItemKind::kParen:
      return true;
    case ItemKind::kKeyword:
      return ToUpper(it.text) == "NULL";
    default:
      return false;
  }
}

bool IsKeyword(const Item& it, const char* word) {
  return it.kind == ItemKind::kKeyword && ToUpper(it.text) == word;
}

Grouped Group(const std::vector<Item>& items) {
  Grouped g;
  size_t i = 0;
  const size_t n = items.size();
  while (i < n) {
    const Item& a = items[i];
    if (IsKeyword(a, "AND")) {
      ++i;
      continue;
    }
    if (i + 2 < n && IsOperand(a) && items[i + 1].kind == ItemKind::kOp && IsOperand(items[i + 2])) {
      g.comparisons.push_back({a, items[i + 1].text, items[i + 2],
                               a.text + " " + items[i + 1].text + " " + items[i + 2].text});
      i += 3;
      continue;
    }
    if (a.kind == ItemKind::kIdent) {
      if (i + 2 < n && IsKeyword(items[i + 1], "IN") && items[i + 2].kind == ItemKind::kParen) {
        g.comparisons.push_back({a, "IN", items[i + 2], a.text + " IN " + items[i + 2].text});
        i += 3;
        continue;
      }
      if (i + 2 < n && IsKeyword(items[i + 1], "IS") && IsKeyword(items[i + 2], "NULL")) {
        g.comparisons.push_back({a, "IS NULL", Item{}, a.text + " IS NULL"});
        i += 3;
        continue;
      }
      if (i + 3 < n && IsKeyword(items[i + 1], "IS") && IsKeyword(items[i + 2], "NOT") &&
          IsKeyword(items[i + 3], "NULL")) {
        g.comparisons.push_back({a, "IS NOT NULL", Item{}, a.text + " IS NOT NULL"});
        i += 4;
        continue;
      }
      if (i + 3 < n && IsKeyword(items[i + 1], "NOT") && IsKeyword(items[i + 2], "IN") &&
          items[i + 3].kind == ItemKind::kParen) {
        g.comparisons.push_back({a, "NOT IN", items[i + 3], a.text + " NOT IN " + items[i + 3].text});
        i += 4;
        continue;
      }
    }
    g.invalid.push_back(a.text);
    ++i;
  }
  return g;
}

// Common front: lex, detect multiple statements, group. `quote_invalid`: runs quote each
// invalid token in the message, the other SearchUtils subclasses do not.
Result<std::vector<RawComparison>> Front(std::string_view filter, bool quote_invalid) {
  internal::LexResult lex = internal::Lex(filter);
  if (lex.items.empty()) {
    return Invalid("Invalid filter '" + std::string(filter) + "'. Could not be parsed.");
  }
  if (lex.multiple_statements) {
    return Invalid("Search filter contained multiple expression " + PyRepr(filter) +
                   ". Provide AND-ed expression list.");
  }
  Grouped g = Group(lex.items);
  if (!g.invalid.empty()) {
    std::string list;
    for (size_t k = 0; k < g.invalid.size(); ++k) {
      if (k) list += ", ";
      list += quote_invalid ? "'" + g.invalid[k] + "'" : g.invalid[k];
    }
    return Invalid("Invalid clause(s) in filter string: " + list);
  }
  return std::move(g.comparisons);
}

Status CheckLeftIsIdentifier(const RawComparison& rc) {
  if (rc.left.kind != ItemKind::kIdent) {
    return Invalid("Invalid comparison clause. Expected 'Identifier' found '" + rc.left.text + "'");
  }
  return Status();
}

// ------------------------------------------------------------------------------------------
// Runs (SearchUtils + SqlAlchemyStore._get_sqlalchemy_filter_clauses)

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
  bool is_list = std::holds_alternative<std::vector<std::string>>(c.value);
  bool wants_list = c.comparator == Comparator::kIn || c.comparator == Comparator::kNotIn;
  if (is_list != wants_list) {
    // e.g. run_id = ('a'): the reference hands a tuple to SQL; we refuse instead.
    return Invalid("Expected a quoted string value for attributes. Got value " + v.text);
  }
  c.key = c.type == KeyType::kAttribute ? TranslateRunAlias(key) : key;
  return c;
}

// ------------------------------------------------------------------------------------------
// Experiments (SearchExperimentsUtils + _get_search_experiments_filter_clauses)

constexpr const char* kExpAttrKeysRepr = "{'name', 'experiment_id', 'creation_time', 'last_update_time'}";

// Python int() of a string: optional surrounding whitespace and sign, decimal digits.
std::optional<int64_t> PyInt(const std::string& s) {
  size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  std::string t = s.substr(b, e - b);
  size_t p = (!t.empty() && (t[0] == '+' || t[0] == '-')) ? 1 : 0;
  if (t.size() <= p || t.size() - p > 18) return std::nullopt;
  for (size_t i = p; i < t.size(); ++i)
    if (!std::isdigit(static_cast<unsigned char>(t[i]))) return std::nullopt;
  return std::stoll(t);
}

// Follows MLflow 3.17 (a superset of 3.6): experiment_id filters (=, !=, IN, NOT IN on quoted
// ids) and IS [NOT] NULL on tags are accepted.
Result<Clause> ExperimentClause(const RawComparison& rc) {
  MLFLOW_RETURN_IF_ERROR(CheckLeftIsIdentifier(rc));
  const std::string& raw = rc.left.text;
  size_t dot = raw.find('.');
  Clause c;
  std::string key;
  if (dot == std::string::npos) {
    key = raw;
    c.type = KeyType::kAttribute;
  } else {
    std::string entity = raw.substr(0, dot);
    key = raw.substr(dot + 1);
    if (entity == "attribute") {
      c.type = KeyType::kAttribute;
    } else if (entity == "tag" || entity == "tags") {
      c.type = KeyType::kTag;
    } else {
      return Invalid("Invalid entity type '" + entity +
                     "'. Valid entity types are ('attribute', 'tag', 'tags')");
    }
  }
  key = TrimBackticks(StripQuotes(key));
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
      return Invalid("Invalid value for numeric attribute '" + key + "': " + PyRepr(v.text));
    }
  } else {
    if (!InSet(op, kStringAttrOps))
      return Invalid("Invalid comparator '" + op + "' not one of '" + kStringAttrOpsRepr + "'");
    if (!InSet(op, kParamOps)) return Invalid("Invalid comparator for string attribute: " + op);
  }
  MLFLOW_ASSIGN_OR_RETURN(c.comparator, ComparatorFromUpper(op));
  bool is_list = std::holds_alternative<std::vector<std::string>>(c.value);
  if (is_list != (c.comparator == Comparator::kIn || c.comparator == Comparator::kNotIn)) {
    return Invalid("Expected a quoted string value for attributes. Got value " + v.text);
  }
  c.key = key;
  return c;
}

// ------------------------------------------------------------------------------------------
// Registered models and model versions (SearchModelUtils / SearchModelVersionUtils + registry
// SQL store checks)

Result<Clause> RegistryClause(const RawComparison& rc, bool versions) {
  MLFLOW_RETURN_IF_ERROR(CheckLeftIsIdentifier(rc));
  if (rc.op == "IS NULL" || rc.op == "IS NOT NULL") {
    return Invalid("Invalid comparison clause. Expected 3 tokens found 2");
  }
  const std::string& raw = rc.left.text;
  size_t dot = raw.find('.');
  Clause c;
  std::string key;
  if (dot == std::string::npos) {
    key = raw;
    c.type = KeyType::kAttribute;
  } else {
    std::string entity = raw.substr(0, dot);
    key = raw.substr(dot + 1);
    if (entity == "attribute") {
      c.type = KeyType::kAttribute;
    } else if (entity == "tag" || entity == "tags") {
      c.type = KeyType::kTag;
    } else {
      return Invalid("Invalid entity type '" + entity +
                     "'. Valid entity types are ('attribute', 'tag', 'tags')");
    }
  }
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
      if (!n) return Invalid("Invalid value for numeric attribute '" + key + "': " + PyRepr(*s));
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
  bool is_list = std::holds_alternative<std::vector<std::string>>(c.value);
  if (is_list != (c.comparator == Comparator::kIn || c.comparator == Comparator::kNotIn)) {
    return Invalid(
        "Expected a quoted string value or a list of quoted string values for attributes. Got "
        "value " + v.text);
  }
  c.key = key;
  return c;
}

// ------------------------------------------------------------------------------------------
// Logged models (search_logged_model_utils.parse_filter_string)

constexpr const char* kLoggedStringOpsRepr = "('=', '!=', 'LIKE', 'ILIKE', 'IN', 'NOT IN')";
constexpr const char* kLoggedNumericOpsRepr = "('<', '<=', '>', '>=', '=', '!=')";
constexpr const char* kLoggedAttrKeysRepr =
    "{'name', 'model_id', 'model_type', 'status', 'source_run_id', 'experiment_id', "
    "'creation_timestamp', 'creation_time', 'creation_timestamp_ms', 'last_updated_timestamp', "
    "'last_updated_timestamp_ms'}";

std::string StripChar(std::string_view s, char ch) {
  size_t b = 0, e = s.size();
  while (b < e && s[b] == ch) ++b;
  while (e > b && s[e - 1] == ch) --e;
  return std::string(s.substr(b, e - b));
}

Result<Filter> ParseLoggedModelFilter(std::string_view filter) {
  Filter out;
  internal::LexResult lex = internal::Lex(filter, /*dash_in_identifiers=*/true);
  if (lex.items.empty()) return out;  // whitespace only: the reference yields no comparisons
  const std::string quoted = PyRepr(filter);
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
        return Invalid("Invalid entity type: " + PyRepr(entity) +
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
      return Invalid("Invalid comparison operator for " + display + ": " + PyRepr(rc.op) +
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
    bool is_list = std::holds_alternative<std::vector<std::string>>(c.value);
    if (is_list != (c.comparator == Comparator::kIn || c.comparator == Comparator::kNotIn)) {
      return Invalid("Invalid comparison: " + rc.text + ". Expected a list of quoted strings with " +
                     "IN / NOT IN only.");
    }
    out.clauses.push_back(std::move(c));
  }
  return out;
}

}  // namespace

Result<Filter> ParseFilter(SearchEntity entity, std::string_view filter) {
  if (filter.empty()) return Filter{};
  if (entity == SearchEntity::kLoggedModels) return ParseLoggedModelFilter(filter);
  MLFLOW_ASSIGN_OR_RETURN(std::vector<RawComparison> raw, Front(filter, entity == SearchEntity::kRuns));
  Filter out;
  for (const RawComparison& rc : raw) {
    Result<Clause> c = Status::Internal("unreachable");
    switch (entity) {
      case SearchEntity::kRuns: c = RunClause(rc); break;
      case SearchEntity::kExperiments: c = ExperimentClause(rc); break;
      case SearchEntity::kRegisteredModels: c = RegistryClause(rc, false); break;
      case SearchEntity::kModelVersions: c = RegistryClause(rc, true); break;
      case SearchEntity::kLoggedModels: break;
    }
    if (!c.ok()) return c.status();
    out.clauses.push_back(std::move(*c));
  }
  return out;
}

std::string_view ComparatorText(Comparator c) {
  switch (c) {
    case Comparator::kEq: return "=";
    case Comparator::kNe: return "!=";
    case Comparator::kLt: return "<";
    case Comparator::kLe: return "<=";
    case Comparator::kGt: return ">";
    case Comparator::kGe: return ">=";
    case Comparator::kLike: return "LIKE";
    case Comparator::kILike: return "ILIKE";
    case Comparator::kIn: return "IN";
    case Comparator::kNotIn: return "NOT IN";
    case Comparator::kIsNull: return "IS NULL";
    case Comparator::kIsNotNull: return "IS NOT NULL";
  }
  return "?";
}

std::string_view KeyTypeText(KeyType t) {
  switch (t) {
    case KeyType::kAttribute: return "attribute";
    case KeyType::kMetric: return "metric";
    case KeyType::kParam: return "param";
    case KeyType::kTag: return "tag";
    case KeyType::kDataset: return "dataset";
  }
  return "?";
}

std::string RenderClause(const Clause& c) {
  std::string out(KeyTypeText(c.type));
  out += ".`" + c.key + "` ";
  out += ComparatorText(c.comparator);
  if (const auto* n = std::get_if<Number>(&c.value)) {
    out += " " + n->text;
  } else if (const auto* s = std::get_if<std::string>(&c.value)) {
    out += " " + PyRepr(*s);
  } else if (const auto* l = std::get_if<std::vector<std::string>>(&c.value)) {
    out += " (";
    for (size_t i = 0; i < l->size(); ++i) {
      if (i) out += ", ";
      out += PyRepr((*l)[i]);
    }
    out += ")";
  }
  return out;
}

std::string RenderFilter(const Filter& f) {
  std::string out;
  for (size_t i = 0; i < f.clauses.size(); ++i) {
    if (i) out += " AND ";
    out += RenderClause(f.clauses[i]);
  }
  return out;
}

}  // namespace mlflow::search
