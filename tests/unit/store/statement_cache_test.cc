// Regression tests for issue 26: "the server segfaults after a few hundred searches of different page
// sizes". The statement cache emptied itself when full, destroying the search statement that was
// still leased while LoadRuns prepared more texts. Run under AddressSanitizer in CI
// (scripts/test.sh), where a use-after-free fails these tests at once.
#include "store/sql/sqlite_database.h"
#include "store/sql/statement_cache.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <set>

#include "core/ids.h"
#include "store/sql/database.h"
#include "store/sql/in_list.h"
#include "store/sql/schema.h"
#include "store/sql/sql_tracking_store.h"
#include "store/sql/sqlite_connection.h"

namespace mlflow::store::sql {
namespace {

namespace fs = std::filesystem;

// A Statement that records its destruction, for the cache's own rules.
class FakeStatement : public Statement {
 public:
  explicit FakeStatement(int* destroyed) : destroyed_(destroyed) {}
  ~FakeStatement() override { ++*destroyed_; }
  void Bind(int, const SqlValue&) override {}
  bool Step() override { return false; }
  int64_t Execute() override { return 0; }
  bool IsNull(int) const override { return true; }
  int64_t Int(int) const override { return 0; }
  double Double(int) const override { return 0; }
  std::string Text(int) const override { return {}; }
  std::string_view TextView(int) const override { return {}; }
  void Reset() override {}

 private:
  int* destroyed_;
};

TEST(StatementCacheTest, EvictsLeastRecentlyUsedIdleEntriesOnly) {
  int destroyed = 0;
  StatementCache cache(2);
  cache.Insert("a", std::make_shared<FakeStatement>(&destroyed));
  auto leased_b = std::make_shared<FakeStatement>(&destroyed);
  cache.Insert("b", leased_b);  // a lease shares it from here on
  cache.Insert("c", std::make_shared<FakeStatement>(&destroyed));
  // Over capacity: "a" (idle, least recently used) goes; "b" is leased and stays.
  EXPECT_FALSE(cache.Contains("a"));
  EXPECT_TRUE(cache.Contains("b"));
  EXPECT_TRUE(cache.Contains("c"));
  EXPECT_EQ(destroyed, 1);
  // A leased text is not handed out a second time.
  EXPECT_EQ(cache.TakeIdle("b"), nullptr);
  EXPECT_NE(cache.TakeIdle("c"), nullptr);
}

TEST(StatementCacheTest, LeasedStatementOutlivesClear) {
  int destroyed = 0;
  StatementCache cache(4);
  auto st = std::make_shared<FakeStatement>(&destroyed);
  cache.Insert("a", st);
  {
    StatementLease lease(st);
    st.reset();
    cache.Clear();
    EXPECT_EQ(destroyed, 0);  // the lease keeps it alive
  }
  EXPECT_EQ(destroyed, 1);
}

TEST(StatementCacheTest, CacheStaysWithinCapacityWhenNothingIsLeased) {
  int destroyed = 0;
  StatementCache cache(8);
  for (int i = 0; i < 100; ++i) cache.Insert("q" + std::to_string(i), std::make_shared<FakeStatement>(&destroyed));
  EXPECT_EQ(cache.size(), 8u);
  EXPECT_EQ(destroyed, 92);
}

TEST(SqliteStatementCacheTest, LeasedStatementSurvivesCacheOverflow) {
  SqliteConnection c(":memory:");
  c.ExecScript("CREATE TABLE t (x INTEGER); INSERT INTO t VALUES (1), (2), (3);");
  auto outer = c.Prepare("SELECT x FROM t ORDER BY x");
  ASSERT_TRUE(outer->Step());
  EXPECT_EQ(outer->Int(0), 1);
  // Far more distinct texts than the cache holds, while `outer` is leased.
  for (int i = 0; i < 2000; ++i) {
    auto st = c.Prepare("SELECT x + " + std::to_string(i) + " FROM t");
    ASSERT_TRUE(st->Step());
  }
  ASSERT_TRUE(outer->Step());
  EXPECT_EQ(outer->Int(0), 2);
}

TEST(SqliteStatementCacheTest, NestedUseOfOneTextGetsTwoStatements) {
  SqliteConnection c(":memory:");
  c.ExecScript("CREATE TABLE t (x INTEGER); INSERT INTO t VALUES (1), (2);");
  const std::string sql = "SELECT x FROM t WHERE x >= ? ORDER BY x";
  auto outer = c.Prepare(sql);
  outer->Bind(1, int64_t{1});
  int outer_rows = 0, inner_rows = 0;
  while (outer->Step()) {
    ++outer_rows;
    auto inner = c.Prepare(sql);  // same text while the outer one is mid-iteration
    inner->Bind(1, int64_t{2});
    while (inner->Step()) ++inner_rows;
  }
  EXPECT_EQ(outer_rows, 2);
  EXPECT_EQ(inner_rows, 2);
}

TEST(InListTest, ChunksArePaddedToFewLengths) {
  std::set<size_t> lengths;
  for (size_t n = 1; n <= 2000; ++n) {
    size_t covered = 0;
    for (const InListChunk& chunk : SplitInList(n)) {
      EXPECT_EQ(chunk.begin, covered);
      EXPECT_GE(chunk.padded, chunk.size);
      covered += chunk.size;
      lengths.insert(chunk.padded);
    }
    EXPECT_EQ(covered, n);
  }
  EXPECT_LE(lengths.size(), 6u);
  EXPECT_TRUE(SplitInList(0).empty());
}

// The crash of issue 26 at the store level: searches whose filters compile to hundreds of distinct
// texts (IN lists of every length) over one experiment, each loading its page while the search
// statement is leased. Every answer must be right.
TEST(SearchStatementCacheRegression, Issue26SearchWhoseLoadingOverflowsTheCacheWhileTheSearchStatementIsLeased) {
  fs::path dir = fs::temp_directory_path() / ("issue26-" + NewUuidHex());
  fs::create_directories(dir);
  {
    auto db = std::make_shared<SqliteDatabase>(SqliteOptions{(dir / "mlflow.db").string(), 1});
    ASSERT_TRUE(CreateSchema(db->writer_connection()).ok());
    store::sql::SqlTrackingStore store(db, "mlflow-artifacts:/");
    ASSERT_TRUE(store.Initialize().ok());
    constexpr int kRuns = 40;
    std::vector<std::string> ids;
    for (int i = 0; i < kRuns; ++i) {
      auto run = store.CreateRun("0", "u", 1000 + i, {}, "run" + std::to_string(i));
      ASSERT_TRUE(run.ok());
      ASSERT_TRUE(store.LogParam(run->info.run_id, {"p", "v" + std::to_string(i)}).ok());
      ids.push_back(run->info.run_id);
    }
    // One read connection: every search shares the same statement cache.
    for (int length = 1; length <= 700; ++length) {
      // The first `length` runs (ids that do not exist pad lists longer than the experiment).
      std::string filter = "attributes.run_id IN (";
      for (int k = 0; k < length; ++k) {
        filter += (k ? ",'" : "'") + (k < kRuns ? ids[static_cast<size_t>(k)] : NewUuidHex()) + "'";
      }
      filter += ")";
      store::RunSearchRequest req;
      req.experiment_ids = {"0"};
      req.filter = filter;
      req.max_results = 1 + length % kRuns;
      auto page = store.SearchRuns(req);
      ASSERT_TRUE(page.ok()) << page.status().message();
      const size_t expected = std::min<size_t>(static_cast<size_t>(req.max_results), std::min(length, kRuns));
      ASSERT_EQ(page->runs.size(), expected) << "IN list of " << length;
      for (const mlflow::Run& r : page->runs) ASSERT_EQ(r.params.size(), 1u);
    }
    db->Close();
  }
  fs::remove_all(dir);
}

}  // namespace
}  // namespace mlflow::store::sql
