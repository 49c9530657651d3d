// Structural checks on the parsed AST (the table test checks rendered forms and messages).
#include <gtest/gtest.h>

#include "search/filter.h"
#include "search/order_by.h"

namespace mlflow::search {
namespace {

Filter MustParse(SearchEntity e, const char* f) {
  Result<Filter> r = ParseFilter(e, f);
  EXPECT_TRUE(r.ok()) << f << ": " << r.status().message();
  return r.ok() ? *r : Filter{};
}

TEST(Filter, EmptyIsNoClauses) {
  for (auto e : {SearchEntity::kRuns, SearchEntity::kExperiments, SearchEntity::kRegisteredModels,
                 SearchEntity::kModelVersions, SearchEntity::kLoggedModels}) {
    EXPECT_TRUE(MustParse(e, "").clauses.empty());
  }
}

TEST(Filter, MetricValueIsNumber) {
  Filter f = MustParse(SearchEntity::kRuns, "metrics.rmse <= -1.5e-3");
  ASSERT_EQ(f.clauses.size(), 1u);
  const Clause& c = f.clauses[0];
  EXPECT_EQ(c.type, KeyType::kMetric);
  EXPECT_EQ(c.key, "rmse");
  EXPECT_EQ(c.comparator, Comparator::kLe);
  const Number& n = std::get<Number>(c.value);
  EXPECT_DOUBLE_EQ(n.value, -1.5e-3);
  EXPECT_FALSE(n.integer.has_value());
}

TEST(Filter, NumericAttributeKeepsInteger) {
  Filter f = MustParse(SearchEntity::kRuns, "created >= 1700000000000");
  ASSERT_EQ(f.clauses.size(), 1u);
  EXPECT_EQ(f.clauses[0].key, "start_time");  // alias resolved
  EXPECT_EQ(std::get<Number>(f.clauses[0].value).integer, 1700000000000);
}

TEST(Filter, RunNameAliasAndStringValue) {
  Filter f = MustParse(SearchEntity::kRuns, "attributes.`Run name` ILIKE '%Train%'");
  ASSERT_EQ(f.clauses.size(), 1u);
  EXPECT_EQ(f.clauses[0].key, "run_name");
  EXPECT_EQ(f.clauses[0].comparator, Comparator::kILike);
  EXPECT_EQ(std::get<std::string>(f.clauses[0].value), "%Train%");
}

TEST(Filter, RunIdListDropsNonLowerCase) {
  Filter f = MustParse(SearchEntity::kRuns, "run_id IN ('abc1', 'ABC2', '123', 'def')");
  ASSERT_EQ(f.clauses.size(), 1u);
  EXPECT_EQ(std::get<std::vector<std::string>>(f.clauses[0].value), (std::vector<std::string>{"abc1", "def"}));
}

TEST(Filter, QuotedValuesKeepInnerQuotesVerbatim) {
  Filter f = MustParse(SearchEntity::kRuns, "params.a = 'it''s' and params.b = \"say \"\"hi\"\"\"");
  ASSERT_EQ(f.clauses.size(), 2u);
  EXPECT_EQ(std::get<std::string>(f.clauses[0].value), "it''s");
  EXPECT_EQ(std::get<std::string>(f.clauses[1].value), "say \"\"hi\"\"");
}

TEST(Filter, SameKeyTwiceIsTwoClauses) {
  Filter f = MustParse(SearchEntity::kRuns, "metrics.a > 1 AND metrics.a < 5");
  ASSERT_EQ(f.clauses.size(), 2u);
  EXPECT_EQ(f.clauses[0].comparator, Comparator::kGt);
  EXPECT_EQ(f.clauses[1].comparator, Comparator::kLt);
}

TEST(Filter, LoggedModelAliasesAndLists) {
  Filter f = MustParse(SearchEntity::kLoggedModels, "creation_time > 5 AND name NOT IN ('a', 'b') AND params.x = 'y'");
  ASSERT_EQ(f.clauses.size(), 3u);
  EXPECT_EQ(f.clauses[0].key, "creation_timestamp_ms");
  EXPECT_EQ(f.clauses[1].comparator, Comparator::kNotIn);
  EXPECT_EQ(f.clauses[2].type, KeyType::kParam);
}

TEST(Filter, LoggedModelHyphenatedKeysNeedNoQuotes) {
  // The reference takes the text of sqlparse's `f1-score` operation as the key.
  Filter f = MustParse(SearchEntity::kLoggedModels, "metrics.f1-score > 0.5 and params.a-b = 'x'");
  ASSERT_EQ(f.clauses.size(), 2u);
  EXPECT_EQ(f.clauses[0].key, "f1-score");
  EXPECT_EQ(f.clauses[1].key, "a-b");
  // Runs reject it, as the reference does (quote the key instead).
  EXPECT_FALSE(ParseFilter(SearchEntity::kRuns, "metrics.f1-score > 0.5").ok());
  EXPECT_TRUE(ParseFilter(SearchEntity::kRuns, "metrics.`f1-score` > 0.5").ok());
}

TEST(Filter, IsNullOnParams) {
  Filter f = MustParse(SearchEntity::kRuns, "params.a IS NULL and tags.b is not null");
  ASSERT_EQ(f.clauses.size(), 2u);
  EXPECT_EQ(f.clauses[0].comparator, Comparator::kIsNull);
  EXPECT_EQ(f.clauses[1].comparator, Comparator::kIsNotNull);
  EXPECT_TRUE(std::holds_alternative<std::monostate>(f.clauses[1].value));
}

TEST(Filter, PyRepr) {
  EXPECT_EQ(PyStrRepr("abc"), "'abc'");
  EXPECT_EQ(PyStrRepr("it's"), "\"it's\"");
  EXPECT_EQ(PyStrRepr("a'\"b"), "'a\\'\"b'");
  EXPECT_EQ(PyStrRepr("x\ny"), "'x\\ny'");
}

TEST(OrderBy, DuplicateFieldsRejected) {
  auto r = ParseOrderByList(SearchEntity::kRuns, {"metrics.a", "metrics.a DESC"});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kInvalidParameterValue);
  EXPECT_EQ(r.status().message(), "`order_by` contains duplicate fields: ['metrics.a', 'metrics.a DESC']");
  // created and start_time are the same column.
  EXPECT_FALSE(ParseOrderByList(SearchEntity::kRuns, {"created", "attributes.start_time"}).ok());
  // timestamp and last_updated_timestamp are the same registered-model column.
  EXPECT_FALSE(ParseOrderByList(SearchEntity::kRegisteredModels, {"timestamp", "last_updated_timestamp DESC"}).ok());
  // Same key under different entity types is fine.
  EXPECT_TRUE(ParseOrderByList(SearchEntity::kRuns, {"metrics.a", "params.a", "tags.a"}).ok());
}

TEST(OrderBy, LoggedModelEntries) {
  EXPECT_TRUE(ValidateLoggedModelOrderBy({"metrics.acc", false, "test", std::nullopt}).ok());
  EXPECT_TRUE(ValidateLoggedModelOrderBy({"creation_time", true, std::nullopt, std::nullopt}).ok());
  Status s = ValidateLoggedModelOrderBy({"params.x", true, std::nullopt, std::nullopt});
  EXPECT_EQ(s.message(), "Invalid order by field name: params.x. Only metrics are supported.");
  EXPECT_TRUE(ValidateLoggedModelOrderBy({"metrics.acc", true, std::nullopt, std::string("abc")}).ok());
  EXPECT_FALSE(ValidateLoggedModelOrderBy({"bogus", true, std::nullopt, std::nullopt}).ok());
}

}  // namespace
}  // namespace mlflow::search
