#pragma once
// Time spent in database calls and how many write requests each commit held, kept by every
// Database (database.h) for the server's /metrics (src/server/db_metrics.h). Thread-safe; an
// observation costs one short mutex.
//
//   { DbCallTimer t(db.timings(), DbTimings::kWrite); ... }   // the call's wall time
//   db.timings().ObserveBatch(group.size());                   // at each COMMIT
#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <mutex>

namespace mlflow::store::sql {

class DbTimings {
 public:
  enum Kind { kRead = 0, kWrite = 1 };
  // Upper bounds, seconds: from a cached point read (~0.1 ms) to a slow commit on a loaded disk.
  static constexpr std::array<double, 14> kSecondBounds = {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01,
                                                           0.025,  0.05,    0.1,    0.25,  0.5,    1.0,   5.0};
  // Upper bounds of write requests per committed transaction (group commit on SQLite; 1 elsewhere).
  static constexpr std::array<double, 9> kBatchBounds = {1, 2, 4, 8, 16, 32, 64, 128, 256};

  template <size_t N>
  struct Histogram {
    std::array<uint64_t, N> buckets{};  // non-cumulative; values above the last bound only in count
    uint64_t count = 0;
    double sum = 0;
  };
  struct Snapshot {
    std::array<Histogram<kSecondBounds.size()>, 2> seconds;  // by Kind
    Histogram<kBatchBounds.size()> batch;
  };

  void ObserveSeconds(Kind kind, double seconds);
  void ObserveBatch(size_t writes);
  Snapshot snapshot() const;

 private:
  mutable std::mutex mu_;
  Snapshot data_;
};

// Observes the wall time from construction to destruction.
class DbCallTimer {
 public:
  DbCallTimer(DbTimings& timings, DbTimings::Kind kind)
      : timings_(timings), kind_(kind), start_(std::chrono::steady_clock::now()) {}
  ~DbCallTimer() {
    timings_.ObserveSeconds(kind_, std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count());
  }
  DbCallTimer(const DbCallTimer&) = delete;
  DbCallTimer& operator=(const DbCallTimer&) = delete;

 private:
  DbTimings& timings_;
  DbTimings::Kind kind_;
  std::chrono::steady_clock::time_point start_;
};

}  // namespace mlflow::store::sql
