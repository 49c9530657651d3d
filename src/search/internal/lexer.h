#pragma once
// Tokeniser for MLflow filter strings. It reproduces how the reference (Python sqlparse) splits
// and groups the text closely enough that the same strings are accepted and the same offending
// tokens are reported: dotted identifiers with "double" / `backtick` quoted parts, 'strings'
// (with '' and \' kept verbatim inside), numbers (-1, .5, 5., 1e-3), comparison operators
// ([<>=~!]+, LIKE, ILIKE, RLIKE, NOT LIKE...), parenthesised groups, keywords, and the rest.
#include <string>
#include <string_view>
#include <vector>

namespace mlflow::search::internal {

enum class ItemKind {
  kNone,     // placeholder (no operand)
  kIdent,    // a.b, "a b", `a b`, a."b", bare words that are not keywords
  kString,   // 'single quoted'
  kNumber,   // 1, -1.5, .5, 1e-3
  kParen,    // ( ... ) with balanced nesting, text includes the parentheses
  kOp,       // =, !=, <>, <, <=, >, >=, ==, ~, LIKE, ILIKE, RLIKE, NOT LIKE, ...
  kKeyword,  // AND, OR, NOT, IN, IS, NULL, BETWEEN (any case)
  kOther,    // anything else: punctuation, comments, unterminated quotes
};

struct Item {
  ItemKind kind = ItemKind::kNone;
  std::string text;  // exactly as written
};

struct LexResult {
  std::vector<Item> items;           // whitespace dropped
  bool multiple_statements = false;  // a ';' followed by more text
};

// dash_in_identifiers: `metrics.f1-score` is one identifier (logged models, whose reference
// parser takes the text of sqlparse's `a-b` operation as the key).
LexResult Lex(std::string_view s, bool dash_in_identifiers = false);

}  // namespace mlflow::search::internal
