#pragma once
// Which metric histories are "one point a step", known on SQLite without triggers, so the charts'
// sampling (metric_sampling.h) maps a kept position to a step and seeks it instead of walking every
// point in range.
//
//   mlflowcpp_metric_shape (run_uuid, key, min_step, PRIMARY KEY (run_uuid, key))
//     A row asserts: the history of (run_uuid, key) holds exactly one point at every step from
//     min_step to its greatest step (an index seek), and no other point. No row: unknown, sampled
//     by walking. Appending the next step changes nothing in the table.
//   mlflowcpp_metric_shape_mark (one row): the newest row of `metrics` (its rowid and what it
//     holds) when our last write transaction committed, a stamp of that commit, and the rebuild's
//     generations. MLflow ignores both tables.
//
// Writers. Our store tells MetricShapes about every point it inserts (log-metric, log-batch) and
// every run it deletes (gc), in the write transaction, and MetricShapes keeps the rows exact with
// one rule per (run, key) and request, on the steps actually inserted, in order: an empty history
// gets a row; a row survives only steps that extend it by one at either end; anything else (a
// step already present, a gap) deletes it. An in-memory cache ((run, key) -> shape, greatest step)
// spares the two seeks per request; it is trusted only while no one else wrote.
//
// Foreign writers (MLflow's own server on the same file, plain SQL, an older mlflow-cpp, our own
// filestore import) do not know the table. At the start of each write transaction the writer
// compares the mark with the newest row of `metrics` (two seeks): equal, nobody else inserted since
// our last commit (a different stamp: another mlflow-cpp process, which kept the rows, wrote:
// only the cache is dropped). Different: the rows past the mark are someone else's and are replayed
// through the same rule (cost in proportion to them) when the row at the mark is still the one
// recorded and they are at most kMaxReplay; otherwise every row is deleted and a background thread
// rebuilds them, a chunk of histories per write transaction (the server serves meanwhile; histories
// without a row are sampled by walking). Before commit the mark is moved to the newest row, after
// checking that every row inserted in the transaction was accounted for (else the mark stays, and the
// next transaction replays them). Readers trust a row only when, in their read snapshot, the mark
// still names the newest row of `metrics`.
//
// What this cannot see: a foreign UPDATE of a point's step or a foreign DELETE of points below the
// newest row. MLflow does neither; it deletes points only with their run (gc), and a deleted run's
// rows name steps no seek finds (the sampling then walks and finds nothing, as it should).
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "store/sql/connection.h"

namespace mlflow::store::sql {

class Database;

class MetricShapes {
 public:
  // Foreign rows replayed in one transaction at most; more drop every row and rebuild them.
  static constexpr int64_t kMaxReplay = 50000;

  // db runs the rebuild's write transactions; it owns this object.
  explicit MetricShapes(Database& db);
  ~MetricShapes();
  MetricShapes(const MetricShapes&) = delete;
  MetricShapes& operator=(const MetricShapes&) = delete;

  // Creates the two tables when missing (SQLite only), and from then on keeps them. Inside a write
  // transaction (the tracking store's Initialize). Throws SqlError.
  void Enable(Connection& c);

  // The writer thread's transaction edges (SqliteDatabase::WriterLoop).
  void BeginTransaction(Connection& c);  // after BEGIN: the foreign-write check
  void BeforeJob();
  void AfterJobRolledBack();
  void BeforeCommit(Connection& c);  // moves the mark
  void AfterTransaction(bool committed);
  // Stops the rebuild thread (before the writer thread stops).
  void Stop();

  // The store, inside a write job. Before inserting points of (run_id, key): loads what the rule
  // needs. After: the steps of the points actually inserted (not those the primary key refused).
  // No-ops when the table is not kept (not enabled, or this transaction's check failed).
  void BeforeInsert(Connection& c, const std::string& run_id, const std::string& key);
  void Inserted(Connection& c, const std::string& run_id, const std::string& key, std::vector<int64_t> steps);
  // Runs' points were deleted (gc); their rows are deleted by the caller with them.
  void RunsDeleted();

  // For tests: the rebuild thread has nothing left to do.
  bool RebuildIdle();

 private:
  enum class Kind { kEmpty, kShape, kNoShape };
  struct State {
    Kind kind = Kind::kEmpty;
    int64_t min = 0, max = 0;
    bool row = false;  // a row exists in the table (a stale one for an emptied history too)
  };
  static std::string CacheKey(const std::string& run_id, const std::string& key);
  State Load(Connection& c, const std::string& run_id, const std::string& key, std::optional<int64_t> max_rowid);
  static State Extend(State s, std::vector<int64_t> steps);
  void Store(Connection& c, const std::string& run_id, const std::string& key, const State& before,
             const State& after);
  void Check(Connection& c);
  void Replay(Connection& c, int64_t after_rowid);
  void DropAll(Connection& c);
  bool RebuildChunk(Connection& c, std::string* after_key, std::string* after_run);
  void RebuildLoop();

  Database& db_;
  // Writer thread only.
  bool enabled_ = false;
  bool active_ = false;        // this transaction's check succeeded: the rows are kept
  bool touched_ = false;       // this transaction inserted or deleted points (the mark moves)
  int64_t check_top_ = 0;      // newest rowid when the transaction began
  int64_t accounted_ = 0, job_accounted_ = 0;  // points inserted through Inserted (net of rollbacks)
  int64_t last_stamp_ = 0, pending_stamp_ = 0;
  bool start_rebuild_ = false;
  std::unordered_map<std::string, State> cache_;
  std::unordered_map<std::string, State> loaded_;  // BeforeInsert -> Inserted, within one job

  // The rebuild thread.
  std::mutex mu_;
  std::condition_variable cv_;
  bool requested_ = false, running_ = false, stopping_ = false;
  std::thread rebuild_;
};

// Readers, inside a read transaction on SQLite: whether the rows can be trusted in this snapshot
// (the mark names the newest point; false when the tables are absent), and one history's row.
bool MetricShapesTrusted(Connection& c);
std::optional<int64_t> MetricShapeMinStep(Connection& c, const std::string& run_id, const std::string& key);

}  // namespace mlflow::store::sql
