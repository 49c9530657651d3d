#include "search/internal/lexer.h"

#include <cctype>

namespace mlflow::search::internal {
namespace {

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsAlpha(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || static_cast<unsigned char>(c) >= 0x80;
}
bool IsWordChar(char c) { return IsAlpha(c) || IsDigit(c) || c == '$' || c == '#'; }

std::string Upper(std::string_view s) {
  std::string o(s);
  for (char& c : o) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return o;
}

class Lexer {
 public:
  Lexer(std::string_view s, bool dash) : s_(s), dash_(dash), budget_(16 * s.size() + 4096) {}

  LexResult Run() {
    LexResult r;
    while (true) {
      SkipSpace();
      if (p_ >= s_.size()) break;
      if (s_[p_] == ';') {
        ++p_;
        size_t save = p_;
        SkipSpace();
        if (p_ < s_.size()) r.multiple_statements = true;
        p_ = save;
        r.items.push_back({ItemKind::kOther, ";"});
        continue;
      }
      r.items.push_back(Next());
    }
    return r;
  }

 private:
  void SkipSpace() {
    while (p_ < s_.size() && IsSpace(s_[p_])) ++p_;
  }
  char At(size_t i) const { return i < s_.size() ? s_[i] : '\0'; }

  // Scans a quoted run starting at p (quote char q) where a doubled quote or backslash-quote
  // continues it. Returns the end index (one past the closing quote) or npos.
  // Look-ahead scans share a budget linear in the input, so pathological input (thousands of
  // unmatched quotes or parentheses) cannot make lexing quadratic; past it, scans fail.
  size_t ScanQuoted(size_t p, char q, bool backslash) {
    size_t i = p + 1;
    while (i < s_.size()) {
      if (budget_ == 0) return std::string_view::npos;
      --budget_;
      char c = s_[i];
      if (backslash && c == '\\' && i + 1 < s_.size() && s_[i + 1] == q) {
        i += 2;
        continue;
      }
      if (c == q) {
        if (At(i + 1) == q) {
          i += 2;
          continue;
        }
        return i + 1;
      }
      ++i;
    }
    return std::string_view::npos;
  }

  // One identifier segment at p_: word, "double" or `backtick`. Returns false if none.
  bool Segment() {
    char c = At(p_);
    if (c == '"' || c == '`') {
      size_t end = ScanQuoted(p_, c, c == '"');
      if (end == std::string_view::npos) return false;
      p_ = end;
      return true;
    }
    if (IsAlpha(c)) {
      while (p_ < s_.size() && (IsWordChar(s_[p_]) || (dash_ && s_[p_] == '-' && IsWordChar(At(p_ + 1))))) ++p_;
      return true;
    }
    return false;
  }

  bool SegmentStartsAt(size_t i) const {
    char c = At(i);
    return c == '"' || c == '`' || IsAlpha(c);
  }

  // Number forms of sqlparse; returns end index or npos.
  size_t ScanNumber(size_t p) const {
    size_t q = p;
    if (At(q) == '-') ++q;
    size_t d = q;
    while (IsDigit(At(d))) ++d;
    bool int_part = d > q;
    // -?\d+(\.\d+)?E-?\d+
    if (int_part) {
      size_t e = d;
      if (At(e) == '.' && IsDigit(At(e + 1))) {
        ++e;
        while (IsDigit(At(e))) ++e;
      }
      if (At(e) == 'e' || At(e) == 'E') {
        size_t x = e + 1;
        if (At(x) == '-') ++x;
        if (IsDigit(At(x))) {
          while (IsDigit(At(x))) ++x;
          return x;
        }
      }
    }
    // -?(\d+\.\d*|\.\d+) not followed by [A-Za-z_]
    size_t f = std::string_view::npos;
    if (int_part && At(d) == '.') {
      size_t e = d + 1;
      while (IsDigit(At(e))) ++e;
      f = e;
    } else if (!int_part && At(q) == '.' && IsDigit(At(q + 1))) {
      size_t e = q + 1;
      while (IsDigit(At(e))) ++e;
      f = e;
    }
    if (f != std::string_view::npos) {
      if (!IsAlpha(At(f)) || static_cast<unsigned char>(At(f)) >= 0x80) return f;
      return std::string_view::npos;
    }
    if (int_part && (!IsAlpha(At(d)) || static_cast<unsigned char>(At(d)) >= 0x80)) return d;
    return std::string_view::npos;
  }

  Item Next() {
    const size_t start = p_;
    const char c = s_[p_];
    auto text = [&] { return std::string(s_.substr(start, p_ - start)); };

    if (c == '-' && At(p_ + 1) == '-') {  // comment to end of line
      while (p_ < s_.size() && s_[p_] != '\n') ++p_;
      return {ItemKind::kOther, text()};
    }
    if (c == '/' && At(p_ + 1) == '*') {
      size_t end = s_.find("*/", p_ + 2);
      if (end != std::string_view::npos) {
        p_ = end + 2;
        return {ItemKind::kOther, text()};
      }
    }
    if (c == '\'') {
      size_t end = ScanQuoted(p_, '\'', true);
      if (end == std::string_view::npos) {
        ++p_;
        return {ItemKind::kOther, "'"};
      }
      p_ = end;
      return {ItemKind::kString, text()};
    }
    if ((c == '0' || (c == '-' && At(p_ + 1) == '0')) && (At(p_ + (c == '-' ? 2 : 1)) == 'x' || At(p_ + (c == '-' ? 2 : 1)) == 'X') &&
        std::isxdigit(static_cast<unsigned char>(At(p_ + (c == '-' ? 3 : 2))))) {
      // sqlparse's hexadecimal literal: not a value MLflow accepts anywhere.
      p_ += c == '-' ? 3 : 2;
      while (p_ < s_.size() && std::isxdigit(static_cast<unsigned char>(s_[p_]))) ++p_;
      return {ItemKind::kOther, text()};
    }
    if (IsDigit(c) || ((c == '-' || c == '.') && (IsDigit(At(p_ + 1)) || (c == '-' && At(p_ + 1) == '.' && IsDigit(At(p_ + 2)))))) {
      size_t end = ScanNumber(p_);
      if (end != std::string_view::npos) {
        p_ = end;
        return {ItemKind::kNumber, text()};
      }
      if (IsDigit(c)) {  // sqlparse Name: [0-9_\w][_$#\w]*, e.g. 1_000, 1e
        while (p_ < s_.size() && IsWordChar(s_[p_])) ++p_;
        return {ItemKind::kIdent, text()};
      }
    }
    if (c == '"' || c == '`' || IsAlpha(c)) {
      if (!Segment()) {
        ++p_;
        return {ItemKind::kOther, text()};
      }
      bool dotted = false;
      while (At(p_) == '.' && SegmentStartsAt(p_ + 1)) {
        size_t save = p_;
        ++p_;
        if (!Segment()) {
          p_ = save;
          break;
        }
        dotted = true;
      }
      std::string word = text();
      if (!dotted && IsAlpha(c)) {
        std::string up = Upper(word);
        if (up == "LIKE" || up == "ILIKE" || up == "RLIKE") return {ItemKind::kOp, word};
        if (up == "NOT") {
          // NOT LIKE / NOT ILIKE / NOT RLIKE is one comparison operator in sqlparse.
          size_t q = p_;
          while (q < s_.size() && IsSpace(s_[q])) ++q;
          if (q > p_) {
            size_t w = q;
            while (w < s_.size() && IsWordChar(s_[w])) ++w;
            std::string next = Upper(s_.substr(q, w - q));
            if (next == "LIKE" || next == "ILIKE" || next == "RLIKE") {
              p_ = w;
              return {ItemKind::kOp, text()};
            }
          }
        }
        if (up == "AND" || up == "OR" || up == "NOT" || up == "IN" || up == "IS" || up == "NULL" ||
            up == "BETWEEN") {
          return {ItemKind::kKeyword, word};
        }
      }
      return {ItemKind::kIdent, word};
    }
    if (c == '<' || c == '>' || c == '=' || c == '~' || c == '!') {
      while (p_ < s_.size() && (s_[p_] == '<' || s_[p_] == '>' || s_[p_] == '=' || s_[p_] == '~' || s_[p_] == '!')) ++p_;
      return {ItemKind::kOp, text()};
    }
    if (c == '(') {
      int depth = 0;
      size_t i = p_;
      while (i < s_.size() && budget_ > 0) {
        --budget_;
        char d = s_[i];
        if (d == '\'' || d == '"' || d == '`') {
          size_t end = ScanQuoted(i, d, d != '`');
          if (end == std::string_view::npos) break;
          i = end;
          continue;
        }
        if (d == '(') ++depth;
        if (d == ')' && --depth == 0) {
          p_ = i + 1;
          return {ItemKind::kParen, text()};
        }
        ++i;
      }
      ++p_;
      return {ItemKind::kOther, "("};
    }
    // Any other byte (punctuation, operators such as + - * /, stray quotes).
    ++p_;
    return {ItemKind::kOther, text()};
  }

  std::string_view s_;
  bool dash_ = false;
  size_t budget_ = 0;
  size_t p_ = 0;
};

}  // namespace

LexResult Lex(std::string_view s, bool dash_in_identifiers) { return Lexer(s, dash_in_identifiers).Run(); }

}  // namespace mlflow::search::internal
