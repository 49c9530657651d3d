#include "server/graphql/graphql_query.h"

#include <cctype>
#include <cstdlib>

namespace mlflow::server {
namespace {

using nlohmann::json;

// Nesting bound: a query deeper than this is refused instead of recursing further.
constexpr int kMaxDepth = 64;

class Parser {
 public:
  Parser(std::string_view src, const json& variables) : s_(src), vars_(variables) {}

  // Skips to the operation named `name` (or the first one) and parses its selection set.
  Result<std::vector<GqlField>> Operation(std::string_view name) {
    bool found = false;
    std::vector<GqlField> chosen;
    int operations = 0;
    while (true) {
      Skip();
      if (pos_ >= s_.size()) break;
      std::string op_name;
      if (Peek() == '{') {
        // Shorthand query: no name.
      } else {
        defaults_ = json::object();
        std::string kind = Name();
        if (kind == "fragment") return Error("fragments are not supported by this server");
        if (kind != "query" && kind != "mutation") return Error("Unexpected Name '" + kind + "'");
        if (kind == "mutation") return Error("mutations are not supported by this server");
        Skip();
        if (IsNameStart(Peek())) op_name = Name();
        Skip();
        if (Peek() == '(') MLFLOW_RETURN_IF_ERROR(SkipVariableDefinitions());
        MLFLOW_RETURN_IF_ERROR(SkipDirectives());
      }
      ++operations;
      MLFLOW_ASSIGN_OR_RETURN(std::vector<GqlField> sel, SelectionSet(0));
      if (!found && (name.empty() || op_name == name)) {
        chosen = std::move(sel);
        found = true;
      }
    }
    if (operations == 0) return Status::InvalidParameter("Syntax Error: Unexpected <EOF>.");
    if (!found) return Status::InvalidParameter("Unknown operation named '" + std::string(name) + "'.");
    if (name.empty() && operations > 1) {
      return Status::InvalidParameter("Must provide operation name if query contains multiple operations.");
    }
    return chosen;
  }

 private:
  static bool IsNameStart(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
  static bool IsNameChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

  char Peek() const { return pos_ < s_.size() ? s_[pos_] : '\0'; }

  // Whitespace, commas (insignificant in GraphQL) and # comments.
  void Skip() {
    while (pos_ < s_.size()) {
      char c = s_[pos_];
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == ',' || c == '\xEF' || c == '\xBB' || c == '\xBF') {
        ++pos_;
      } else if (c == '#') {
        while (pos_ < s_.size() && s_[pos_] != '\n') ++pos_;
      } else {
        break;
      }
    }
  }

  Status Error(const std::string& what) const {
    return Status::InvalidParameter("Syntax Error: " + what + " (at offset " + std::to_string(pos_) + ").");
  }

  Status Expect(char c) {
    Skip();
    if (Peek() != c) {
      return Error(pos_ >= s_.size() ? "Unexpected <EOF>." : std::string("Expected '") + c + "', found '" + Peek() + "'.");
    }
    ++pos_;
    return Status();
  }

  std::string Name() {
    Skip();
    size_t start = pos_;
    if (!IsNameStart(Peek())) return "";
    while (pos_ < s_.size() && IsNameChar(s_[pos_])) ++pos_;
    return std::string(s_.substr(start, pos_ - start));
  }

  // ( $name: Type = default @dir ... ): the values come from `variables`; a default stands in for
  // a variable the request leaves out.
  Status SkipVariableDefinitions() {
    MLFLOW_RETURN_IF_ERROR(Expect('('));
    for (int guard = 0; guard < 1000; ++guard) {
      Skip();
      if (Peek() == ')') {
        ++pos_;
        return Status();
      }
      MLFLOW_RETURN_IF_ERROR(Expect('$'));
      std::string name = Name();
      if (name.empty()) return Error("Expected a variable name.");
      MLFLOW_RETURN_IF_ERROR(Expect(':'));
      MLFLOW_RETURN_IF_ERROR(SkipType(0));
      Skip();
      if (Peek() == '=') {
        ++pos_;
        MLFLOW_ASSIGN_OR_RETURN(defaults_[name], Value(0));
      }
      MLFLOW_RETURN_IF_ERROR(SkipDirectives());
    }
    return Error("too many variable definitions.");
  }

  Status SkipType(int depth) {
    if (depth > kMaxDepth) return Error("type nested too deeply.");
    Skip();
    if (Peek() == '[') {
      ++pos_;
      MLFLOW_RETURN_IF_ERROR(SkipType(depth + 1));
      MLFLOW_RETURN_IF_ERROR(Expect(']'));
    } else if (Name().empty()) {
      return Error("Expected a type name.");
    }
    Skip();
    if (Peek() == '!') ++pos_;
    return Status();
  }

  // @name(args) ...: directives (MLflow's @component) carry nothing the answer depends on.
  Status SkipDirectives() {
    for (int guard = 0; guard < 100; ++guard) {
      Skip();
      if (Peek() != '@') return Status();
      ++pos_;
      if (Name().empty()) return Error("Expected a directive name.");
      Skip();
      if (Peek() == '(') {
        MLFLOW_ASSIGN_OR_RETURN(json ignored, Arguments(0));
        (void)ignored;
      }
    }
    return Error("too many directives.");
  }

  Result<json> Arguments(int depth) {
    MLFLOW_RETURN_IF_ERROR(Expect('('));
    json args = json::object();
    for (int guard = 0; guard < 1000; ++guard) {
      Skip();
      if (Peek() == ')') {
        ++pos_;
        return args;
      }
      std::string name = Name();
      if (name.empty()) return Error("Expected an argument name.");
      MLFLOW_RETURN_IF_ERROR(Expect(':'));
      MLFLOW_ASSIGN_OR_RETURN(args[name], Value(depth + 1));
    }
    return Error("too many arguments.");
  }

  Result<json> Value(int depth) {
    if (depth > kMaxDepth) return Error("value nested too deeply.");
    Skip();
    char c = Peek();
    if (c == '$') {
      ++pos_;
      std::string name = Name();
      if (name.empty()) return Error("Expected a variable name.");
      if (vars_.is_object() && vars_.contains(name)) return vars_[name];
      return defaults_.contains(name) ? defaults_[name] : json(nullptr);
    }
    if (c == '"') return String();
    if (c == '[') {
      ++pos_;
      json list = json::array();
      for (int guard = 0; guard < 100000; ++guard) {
        Skip();
        if (Peek() == ']') {
          ++pos_;
          return list;
        }
        MLFLOW_ASSIGN_OR_RETURN(json v, Value(depth + 1));
        list.push_back(std::move(v));
      }
      return Error("list too long.");
    }
    if (c == '{') {
      ++pos_;
      json obj = json::object();
      for (int guard = 0; guard < 10000; ++guard) {
        Skip();
        if (Peek() == '}') {
          ++pos_;
          return obj;
        }
        std::string name = Name();
        if (name.empty()) return Error("Expected a field name.");
        MLFLOW_RETURN_IF_ERROR(Expect(':'));
        MLFLOW_ASSIGN_OR_RETURN(obj[name], Value(depth + 1));
      }
      return Error("object too large.");
    }
    if (c == '-' || std::isdigit(static_cast<unsigned char>(c))) {
      size_t start = pos_++;
      bool is_float = false;
      while (pos_ < s_.size() && (std::isdigit(static_cast<unsigned char>(s_[pos_])) || s_[pos_] == '.' ||
                                  s_[pos_] == 'e' || s_[pos_] == 'E' || s_[pos_] == '+' || s_[pos_] == '-')) {
        is_float = is_float || s_[pos_] == '.' || s_[pos_] == 'e' || s_[pos_] == 'E';
        ++pos_;
      }
      std::string text(s_.substr(start, pos_ - start));
      if (is_float) return json(std::strtod(text.c_str(), nullptr));
      return json(std::strtoll(text.c_str(), nullptr, 10));
    }
    std::string word = Name();
    if (word == "true") return json(true);
    if (word == "false") return json(false);
    if (word == "null") return json(nullptr);
    if (!word.empty()) return json(word);  // an enum value
    return Error(pos_ >= s_.size() ? "Unexpected <EOF>." : std::string("Unexpected character '") + c + "'.");
  }

  Result<json> String() {
    ++pos_;  // opening quote
    std::string out;
    while (pos_ < s_.size()) {
      char c = s_[pos_++];
      if (c == '"') return json(out);
      if (c != '\\') {
        out.push_back(c);
        continue;
      }
      if (pos_ >= s_.size()) break;
      char e = s_[pos_++];
      switch (e) {
        case 'n': out.push_back('\n'); break;
        case 't': out.push_back('\t'); break;
        case 'r': out.push_back('\r'); break;
        case 'b': out.push_back('\b'); break;
        case 'f': out.push_back('\f'); break;
        case 'u': {
          if (pos_ + 4 > s_.size()) return Error("Invalid Unicode escape sequence.");
          unsigned cp = static_cast<unsigned>(std::strtoul(std::string(s_.substr(pos_, 4)).c_str(), nullptr, 16));
          pos_ += 4;
          // BMP only (the UI sends none): UTF-8 encode.
          if (cp < 0x80) {
            out.push_back(static_cast<char>(cp));
          } else if (cp < 0x800) {
            out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
            out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
          } else {
            out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
            out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
            out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
          }
          break;
        }
        default: out.push_back(e);
      }
    }
    return Error("Unterminated string.");
  }

  Result<std::vector<GqlField>> SelectionSet(int depth) {
    if (depth > kMaxDepth) return Error("selection nested too deeply.");
    MLFLOW_RETURN_IF_ERROR(Expect('{'));
    std::vector<GqlField> fields;
    for (int guard = 0; guard < 10000; ++guard) {
      Skip();
      if (Peek() == '}') {
        ++pos_;
        if (fields.empty()) return Error("Expected Name, found '}'.");
        return fields;
      }
      if (s_.substr(pos_, 3) == "...") return Error("fragments are not supported by this server");
      GqlField f;
      f.name = Name();
      if (f.name.empty()) return Error(pos_ >= s_.size() ? "Unexpected <EOF>." : "Expected Name.");
      Skip();
      if (Peek() == ':') {
        ++pos_;
        f.alias = f.name;
        f.name = Name();
        if (f.name.empty()) return Error("Expected Name.");
      } else {
        f.alias = f.name;
      }
      Skip();
      if (Peek() == '(') {
        MLFLOW_ASSIGN_OR_RETURN(f.args, Arguments(depth));
      }
      MLFLOW_RETURN_IF_ERROR(SkipDirectives());
      Skip();
      if (Peek() == '{') {
        MLFLOW_ASSIGN_OR_RETURN(f.selections, SelectionSet(depth + 1));
      }
      fields.push_back(std::move(f));
    }
    return Error("selection set too large.");
  }

  std::string_view s_;
  const json& vars_;
  json defaults_ = json::object();  // of the operation being parsed
  size_t pos_ = 0;
};

}  // namespace

Result<std::vector<GqlField>> ParseGraphqlOperation(std::string_view query, std::string_view operation_name,
                                                    const nlohmann::json& variables) {
  Parser p(query, variables);
  return p.Operation(operation_name);
}

}  // namespace mlflow::server
