#pragma once
// The clause logic every entity's filter shares (filter_common.cc), and the per-entity clause
// builders (filter_runs.cc, filter_experiments.cc, filter_registry.cc, filter_logged_models.cc)
// that ParseFilter (filter.cc) dispatches to. Traces have a grammar of their own
// (filter_traces.h: span, assessment and metadata keys, RLIKE) built on the same helpers.
// Private to src/search.
//
//   MLFLOW_ASSIGN_OR_RETURN(std::vector<RawComparison> raw, Front(filter, /*quote_invalid=*/true));
//   for (const RawComparison& rc : raw) MLFLOW_ASSIGN_OR_RETURN(Clause c, RunClause(rc));
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/status.h"
#include "search/filter.h"
#include "search/internal/lexer.h"

namespace mlflow::search::internal {

// INVALID_PARAMETER_VALUE with MLflow's message (out of line: called from many places).
Status Invalid(std::string m);

std::string ToUpper(std::string_view s);

// An item that can stand on either side of a comparison: identifier, string, number, (list), NULL.
bool IsOperand(const Item& it);
// A keyword item spelled `word` (upper case) in any case.
bool IsKeyword(const Item& it, const char* word);

// MLflow's _trim_backticks.
std::string TrimBackticks(std::string_view v);
// MLflow's _strip_quotes(value, expect_quoted_value=false).
std::string StripQuotes(std::string_view v);
// MLflow's _strip_quotes(value, expect_quoted_value=true): an unquoted value is an error.
Result<std::string> StripQuotesExpected(std::string_view v);
// `s` without leading and trailing `ch` (Python's str.strip(ch)).
std::string StripChar(std::string_view s, char ch);

// Python int() of a string: optional surrounding whitespace and sign, decimal digits.
std::optional<int64_t> PyInt(const std::string& s);
// A numeric literal; integer set when it is an integer that fits int64.
Result<Number> ToNumber(const std::string& text);
// "=", "!=", ..., "NOT IN", "IS NULL", "IS NOT NULL" (upper case) to a Comparator.
Result<Comparator> ComparatorFromUpper(const std::string& up);

bool InSet(const std::string& v, std::initializer_list<const char*> set);

// Comparator sets as MLflow prints them (Python set reprs; we fix one order), and as lists.
inline constexpr const char* kNumericOpsRepr = "{'>', '>=', '!=', '=', '<', '<='}";
inline constexpr const char* kParamOpsRepr = "{'!=', '=', 'LIKE', 'ILIKE', 'IS NULL', 'IS NOT NULL'}";
inline constexpr const char* kStringAttrOpsRepr = "{'!=', '=', 'LIKE', 'ILIKE', 'IN', 'NOT IN'}";
inline constexpr std::initializer_list<const char*> kNumericOps = {">", ">=", "!=", "=", "<", "<="};
inline constexpr std::initializer_list<const char*> kParamOps = {"!=", "=", "LIKE", "ILIKE"};
inline constexpr std::initializer_list<const char*> kStringAttrOps = {"!=", "=", "LIKE", "ILIKE", "IN", "NOT IN"};

// One comparison as grouped from the lexer's items: left operand, operator text, right operand.
struct RawComparison {
  Item left;
  std::string op;  // original text ("like", "NOT IN", "IS NULL", ...)
  Item right;      // kNone for IS NULL / IS NOT NULL
  std::string text;
};

// Comparisons and the texts of items that are neither a comparison nor AND.
struct Grouped {
  std::vector<RawComparison> comparisons;
  std::vector<std::string> invalid;
};
Grouped Group(const std::vector<Item>& items);

// The front every SearchUtils entity shares: lex, refuse several statements, group, refuse
// invalid items. `quote_invalid`: runs quote each invalid token in the message, the others do not.
Result<std::vector<RawComparison>> Front(std::string_view filter, bool quote_invalid);

// "Invalid comparison clause. Expected 'Identifier' found '...'" unless the left side is one.
Status CheckLeftIsIdentifier(const RawComparison& rc);

// A string operand: 'quoted' or an identifier (MLflow's value check; quotes are checked after).
bool IsStringToken(const Item& it);

// A Python literal list of strings, "('a', 'b')" (MLflow: ast.literal_eval of the parenthesis
// text), with MLflow's messages for empty, ill-formed and non-string lists (numbers shown as
// Python's repr). Every entity's grammar uses it, traces' included.
Result<std::vector<std::string>> ParseListLiteral(std::string_view paren);
// Only the entries Python's str.islower() accepts (MLflow's run-id list rule).
std::vector<std::string> DropNonLower(std::vector<std::string> in);

// "entity.key" for experiments and the registry: no prefix or `attribute.` is an attribute,
// `tag.` / `tags.` a tag; anything else is refused with their message. Quotes are not removed.
Result<std::pair<KeyType, std::string>> AttributeOrTag(const std::string& raw);

// A value is a list exactly when the comparator is IN / NOT IN; `message` otherwise.
Status CheckListMatchesComparator(const Clause& c, std::string message);

// ---- per entity ----
Result<Clause> RunClause(const RawComparison& rc);                         // filter_runs.cc
Result<Clause> ExperimentClause(const RawComparison& rc);                  // filter_experiments.cc
Result<Clause> RegistryClause(const RawComparison& rc, bool versions);     // filter_registry.cc
Result<Filter> ParseLoggedModelFilter(std::string_view filter);            // filter_logged_models.cc

}  // namespace mlflow::search::internal
