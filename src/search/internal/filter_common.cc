#include "search/internal/filter_common.h"

#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <optional>

#include "core/py_text.h"

namespace mlflow::search::internal {
namespace {

bool IsQuoted(std::string_view v, char q) { return v.size() >= 2 && v.front() == q && v.back() == q; }

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

}  // namespace

Status Invalid(std::string m) { return Status::InvalidParameter(std::move(m)); }

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

std::string ToUpper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

std::string TrimBackticks(std::string_view v) {
  if (IsQuoted(v, '`')) return std::string(v.substr(1, v.size() - 2));
  return std::string(v);
}

std::string StripQuotes(std::string_view v) {
  if (IsQuoted(v, '\'') || IsQuoted(v, '"')) return std::string(v.substr(1, v.size() - 2));
  return std::string(v);
}

Result<std::string> StripQuotesExpected(std::string_view v) {
  if (IsQuoted(v, '\'') || IsQuoted(v, '"')) return std::string(v.substr(1, v.size() - 2));
  return Invalid(
      "Parameter value is either not quoted or unidentified quote types used for string value " +
      std::string(v) + ". Use either single or double quotes.");
}

std::string StripChar(std::string_view s, char ch) {
  size_t b = 0, e = s.size();
  while (b < e && s[b] == ch) ++b;
  while (e > b && s[e - 1] == ch) --e;
  return std::string(s.substr(b, e - b));
}

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

// ---- list literal inside parentheses (MLflow: ast.literal_eval of the parenthesis text) ----

namespace {

// A Python number literal at text[i] (an optional sign, digits, fraction, exponent; '_' between
// digits), advancing i; its repr, or nullopt when it is not one (a non-zero integer with a
// leading zero is not).
std::optional<std::string> ParseListNumber(std::string_view text, size_t& i) {
  size_t p = i;
  bool neg = false;
  while (p < text.size() && (text[p] == '-' || text[p] == '+')) {
    if (text[p] == '-') neg = !neg;
    ++p;
    while (p < text.size() && std::isspace(static_cast<unsigned char>(text[p]))) ++p;
  }
  std::string digits, literal;
  auto take_digits = [&](std::string& into) {
    size_t start = p;
    while (p < text.size() && (std::isdigit(static_cast<unsigned char>(text[p])) ||
                               (text[p] == '_' && p > start && p + 1 < text.size() &&
                                std::isdigit(static_cast<unsigned char>(text[p + 1]))))) {
      if (text[p] != '_') into += text[p];
      ++p;
    }
    return p > start;
  };
  bool int_part = take_digits(digits);
  literal = digits;
  bool is_float = false;
  if (p < text.size() && text[p] == '.') {
    ++p;
    std::string frac;
    bool has_frac = take_digits(frac);
    if (!int_part && !has_frac) return std::nullopt;
    literal += "." + frac;
    is_float = true;
  } else if (!int_part) {
    return std::nullopt;
  }
  if (p < text.size() && (text[p] == 'e' || text[p] == 'E')) {
    size_t save = p;
    std::string exp = "e";
    ++p;
    if (p < text.size() && (text[p] == '-' || text[p] == '+')) exp += text[p++];
    std::string exp_digits;
    if (!take_digits(exp_digits)) {
      p = save;
    } else {
      literal += exp + exp_digits;
      is_float = true;
    }
  }
  if (p < text.size() && (std::isalnum(static_cast<unsigned char>(text[p])) || text[p] == '_' || text[p] == '.')) {
    return std::nullopt;
  }
  std::string repr;
  if (is_float) {
    double v = std::strtod(literal.c_str(), nullptr);
    repr = PyFloatRepr(neg ? -v : v);
  } else {
    size_t nz = digits.find_first_not_of('0');
    if (nz == std::string::npos) {
      repr = "0";
    } else {
      if (nz != 0) return std::nullopt;  // "007" is a syntax error in Python 3
      repr = (neg ? "-" : "") + digits;
    }
  }
  i = p;
  return repr;
}

}  // namespace


Result<std::vector<std::string>> ParseListLiteral(std::string_view paren) {
  const std::string ill_formed =
      "While parsing a list in the query, expected a non-empty list of string values, but got "
      "ill-formed list.";
  // Elements as reprs, for the "different type" message.
  std::vector<std::string> items;
  std::vector<std::string> reprs;
  bool non_string = false;
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
      reprs.push_back(PyStrRepr(value));
      items.push_back(std::move(value));
    } else {
      // A number element: only its repr matters, for the "different type" message.
      std::optional<std::string> number = ParseListNumber(paren.substr(0, n), i);
      if (!number) return Invalid(ill_formed);
      non_string = true;
      reprs.push_back(*number);
      skip_ws();
    }
    if (i < n) {
      if (paren[i] != ',') return Invalid(ill_formed);
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
    if (reprs.size() == 1) tuple += ",";  // MLflow prints the tuple it made: (1,)
    tuple += ")";
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

Result<std::vector<RawComparison>> Front(std::string_view filter, bool quote_invalid) {
  internal::LexResult lex = internal::Lex(filter);
  if (lex.items.empty()) {
    return Invalid("Invalid filter '" + std::string(filter) + "'. Could not be parsed.");
  }
  if (lex.multiple_statements) {
    return Invalid("Search filter contained multiple expression " + PyStrRepr(filter) +
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

Result<std::pair<KeyType, std::string>> AttributeOrTag(const std::string& raw) {
  size_t dot = raw.find('.');
  if (dot == std::string::npos) return std::make_pair(KeyType::kAttribute, raw);
  std::string entity = raw.substr(0, dot);
  std::string key = raw.substr(dot + 1);
  if (entity == "attribute") return std::make_pair(KeyType::kAttribute, std::move(key));
  if (entity == "tag" || entity == "tags") return std::make_pair(KeyType::kTag, std::move(key));
  return Invalid("Invalid entity type '" + entity + "'. Valid entity types are ('attribute', 'tag', 'tags')");
}

Status CheckListMatchesComparator(const Clause& c, std::string message) {
  const bool is_list = std::holds_alternative<std::vector<std::string>>(c.value);
  const bool wants_list = c.comparator == Comparator::kIn || c.comparator == Comparator::kNotIn;
  if (is_list != wants_list) return Invalid(std::move(message));
  return Status();
}

}  // namespace mlflow::search::internal
