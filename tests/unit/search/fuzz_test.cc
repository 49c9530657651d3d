// Bounded property tests (fixed seed): the parser never crashes on arbitrary bytes or token soup,
// every failure is INVALID_PARAMETER_VALUE, and whatever parses compiles to SQL that carries no
// text from the input: no quote characters at all, no marker text, one bound value per `?`.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <random>
#include <string>
#include <vector>

#include "search/filter.h"
#include "search/order_by.h"
#include "search/page_token.h"
#include "search/sql_compiler.h"

namespace mlflow::search {
namespace {

constexpr SearchEntity kEntities[] = {SearchEntity::kRuns, SearchEntity::kExperiments, SearchEntity::kRegisteredModels,
                                      SearchEntity::kModelVersions, SearchEntity::kLoggedModels};

const std::vector<std::string> kIdents = {
    "metrics.KQZa", "metric.`KQZ b`", "params.\"KQZc\"", "param.KQZd", "tags.`mlflow.KQZe`", "tag.KQZf",
    "attributes.status", "attribute.run_id", "run_id", "created", "attributes.`Run name`", "run_name",
    "datasets.name", "dataset.context", "name", "creation_time", "tags.KQZg", "version_number", "source_path",
    "creation_timestamp", "model_type", "metrics.`KQZh`", "start_time", "user_id", "end_time", "KQZbare",
    "`metrics`.KQZi", "m.KQZj", "last_update_time", "attribute.name"};
const std::vector<std::string> kOps = {"=", "!=", "<", "<=", ">", ">=", "LIKE", "like", "ILIKE", "IN", "NOT IN",
                                       "IS NULL", "IS NOT NULL", "~", "<>", "==", "NOT LIKE", "RLIKE"};
const std::vector<std::string> kValues = {
    "'KQZv'", "\"KQZw\"", "'KQZ''x'", "'%KQZ_y%'", "1", "-2.5", "1e3", ".5", "('kqzl', 'KQZm')", "('kqzn')",
    "()", "NULL", "KQZbareval", "`KQZtick`", "('kqzo', 1)", "'KQZ;DROP TABLE runs;--'", "1700000000000", "'0.5'"};
const std::vector<std::string> kJunk = {"AND", "and", "OR", "(", ")", ";", "'", "\"", "`", ",", ".", "NOT", "--",
                                        "/*", "*/", "\\", "%", "\xff", "\t", "BETWEEN"};

std::string Soup(std::mt19937& rng) {
  auto pick = [&](const std::vector<std::string>& v) { return v[rng() % v.size()]; };
  std::string out;
  int clauses = 1 + static_cast<int>(rng() % 4);
  for (int i = 0; i < clauses; ++i) {
    if (i) out += (rng() % 4 == 0) ? " " + pick(kJunk) + " " : " AND ";
    std::string op = pick(kOps);
    out += pick(kIdents) + (rng() % 5 == 0 ? "" : " ") + op;
    if (op.find("NULL") == std::string::npos) out += " " + pick(kValues);
    if (rng() % 10 == 0) out += pick(kJunk);
  }
  return out;
}

std::string RandomBytes(std::mt19937& rng) {
  std::string s(rng() % 40, '\0');
  for (char& c : s) c = static_cast<char>(rng() % 256);
  return s;
}

// Compiles `filter` for the entity (with order_by when given) if it parses.
Result<CompiledSearch> Compile(SearchEntity e, const std::string& filter, const std::string& order_by) {
  std::vector<std::string> ob;
  if (!order_by.empty()) ob.push_back(order_by);
  switch (e) {
    case SearchEntity::kRuns: {
      RunSearchSpec s;
      s.experiment_ids = {"1"};
      s.filter = filter;
      s.order_by = ob;
      return CompileRunSearch(s, SqlDialect::kSqlite);
    }
    case SearchEntity::kExperiments: {
      ExperimentSearchSpec s;
      s.filter = filter;
      s.order_by = ob;
      return CompileExperimentSearch(s, SqlDialect::kPostgres);
    }
    case SearchEntity::kRegisteredModels: {
      RegisteredModelSearchSpec s;
      s.filter = filter;
      s.order_by = ob;
      return CompileRegisteredModelSearch(s, SqlDialect::kSqlite);
    }
    case SearchEntity::kModelVersions: {
      ModelVersionSearchSpec s;
      s.filter = filter;
      s.order_by = ob;
      return CompileModelVersionSearch(s, SqlDialect::kPostgres);
    }
    case SearchEntity::kLoggedModels: {
      LoggedModelSearchSpec s;
      s.experiment_ids = {"1"};
      s.filter = filter;
      if (!order_by.empty()) s.order_by = {{order_by, true, std::nullopt, std::nullopt}};
      return CompileLoggedModelSearch(s, SqlDialect::kSqlite);
    }
  }
  return Status::Internal("unreachable");
}

void CheckSqlIsClean(const CompiledSearch& c, const std::string& input) {
  const std::string& sql = c.query.sql;
  EXPECT_EQ(sql.find_first_of("'\"`;"), std::string::npos) << input << "\n" << sql;
  std::string lower = sql;
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char ch) { return std::tolower(ch); });
  EXPECT_EQ(lower.find("kqz"), std::string::npos) << input << "\n" << sql;
  EXPECT_EQ(static_cast<size_t>(std::count(sql.begin(), sql.end(), '?')), c.query.params.size()) << sql;
}

void Exercise(SearchEntity e, const std::string& input, int* parsed) {
  Result<Filter> f = ParseFilter(e, input);
  if (!f.ok()) {
    EXPECT_EQ(f.status().code(), ErrorCode::kInvalidParameterValue) << input;
    return;
  }
  ++*parsed;
  Result<CompiledSearch> c = Compile(e, input, "");
  ASSERT_TRUE(c.ok()) << "parsed but did not compile: " << input << ": " << c.status().message();
  CheckSqlIsClean(*c, input);
}

TEST(Fuzz, TokenSoupNeverCrashesAndNeverLeaksIntoSql) {
  std::mt19937 rng(20240611);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  int parsed = 0, total = 0;
  for (int i = 0; i < 4000 && std::chrono::steady_clock::now() < deadline; ++i, ++total) {
    std::string s = Soup(rng);
    for (SearchEntity e : kEntities) Exercise(e, s, &parsed);
  }
  EXPECT_GT(total, 1000);
  EXPECT_GT(parsed, 100);  // the soup is meant to hit the accepting paths too
}

TEST(Fuzz, RandomBytesNeverCrash) {
  std::mt19937 rng(7);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  int parsed = 0;
  for (int i = 0; i < 3000 && std::chrono::steady_clock::now() < deadline; ++i) {
    std::string s = RandomBytes(rng);
    for (SearchEntity e : kEntities) Exercise(e, s, &parsed);
    // order_by and page tokens take arbitrary input too.
    (void)ParseOrderBy(SearchEntity::kRuns, s);
    (void)ParseOrderBy(SearchEntity::kModelVersions, s);
    Result<int64_t> t = DecodeOffsetToken(s);
    if (t.ok()) {
      EXPECT_GE(*t, 0);
    }
    (void)DecodeLoggedModelToken(s);
  }
}

TEST(Fuzz, OrderByMarkersNeverLeak) {
  std::mt19937 rng(99);
  const std::vector<std::string> keys = {"metrics.KQZa", "params.`KQZ b`", "tags.\"KQZc\"", "metrics.KQZd DESC",
                                         "tags.KQZe asc", "start_time", "name", "metrics.`KQZ'f` DESC"};
  for (int i = 0; i < 500; ++i) {
    std::string ob = keys[rng() % keys.size()];
    for (SearchEntity e : kEntities) {
      Result<CompiledSearch> c = Compile(e, "", e == SearchEntity::kLoggedModels ? "metrics.KQZlm" : ob);
      if (c.ok()) CheckSqlIsClean(*c, ob);
    }
  }
}

}  // namespace
}  // namespace mlflow::search

namespace mlflow::search {
namespace {

// Unmatched quotes and parentheses must not make lexing quadratic. Quadratic work on these 200,000
// characters would take minutes; linear work takes well under a second (about 3 s under ASan). The
// bound is on the process's CPU time, not wall time, so a busy machine does not fail the test.
TEST(Fuzz, PathologicalInputsStayFast) {
  const std::vector<std::string> inputs = {std::string(200000, '('), std::string(200000, '\''),
                                           std::string(200000, '"'), std::string(200000, '`'),
                                           "params.a IN " + std::string(100000, '(') + "'x'"};
  const std::clock_t start = std::clock();
  for (const std::string& s : inputs) {
    for (SearchEntity e : kEntities) {
      Result<Filter> f = ParseFilter(e, s);
      EXPECT_FALSE(f.ok());
      EXPECT_EQ(f.status().code(), ErrorCode::kInvalidParameterValue);
    }
    (void)ParseOrderBy(SearchEntity::kRuns, s);
  }
  const double cpu_seconds = static_cast<double>(std::clock() - start) / CLOCKS_PER_SEC;
  EXPECT_LT(cpu_seconds, 30.0);
}

}  // namespace
}  // namespace mlflow::search
