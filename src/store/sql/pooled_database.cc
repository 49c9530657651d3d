#include "store/sql/pooled_database.h"

#include <algorithm>
#include <random>
#include <thread>

namespace mlflow::store::sql {
namespace {

// Writes that lost a race give up sooner when the race is a unique key: a real duplicate (not a
// race) fails the same way every time.
constexpr int kDuplicateKeyAttempts = 6;

void Backoff(int attempt) {
  thread_local std::minstd_rand rng(std::random_device{}());
  int ceiling_ms = std::min(2 << std::min(attempt, 6), 100);
  std::this_thread::sleep_for(std::chrono::milliseconds(1 + static_cast<int>(rng() % static_cast<unsigned>(ceiling_ms))));
}

// Ends whatever transaction a failed attempt left open; false if it could not.
bool RollbackQuietly(PooledConnection& c) {
  if (!c.healthy()) return false;
  try {
    c.ExecScript("ROLLBACK");
    return true;
  } catch (const SqlError&) {
    return false;
  }
}

// Runs fn, turning anything but a SqlError into an internal error. SqlErrors propagate: the
// caller rolls back and decides whether the request runs again.
Status RunGuarded(const std::function<Status(Connection&)>& fn, Connection& c) {
  try {
    return fn(c);
  } catch (const SqlError&) {
    throw;
  } catch (const std::exception& e) {
    return Status::Internal(e.what());
  }
}

}  // namespace

// A pooled connection, handed back (or dropped if broken or still inside a transaction) when it
// goes out of scope.
class PooledDatabase::Lease {
 public:
  Lease(PooledDatabase* db, std::unique_ptr<PooledConnection> c) : db_(db), c_(std::move(c)) {}
  ~Lease() {
    if (c_) db_->Release(std::move(c_), in_transaction);
  }
  PooledConnection& operator*() { return *c_; }
  PooledConnection* operator->() { return c_.get(); }
  // Begin and end a transaction, keeping track of whether one is open.
  void Begin(const char* sql) {
    in_transaction = true;
    c_->ExecScript(sql);
  }
  void End(const char* sql) {
    c_->ExecScript(sql);
    in_transaction = false;
  }
  void AbandonQuietly() { in_transaction = in_transaction && !RollbackQuietly(*c_); }

  bool in_transaction = false;

 private:
  PooledDatabase* db_;
  std::unique_ptr<PooledConnection> c_;
};

PooledDatabase::PooledDatabase(PoolOptions options, std::unique_ptr<PooledConnection> first)
    : options_(std::move(options)) {
  options_.pool_size = std::max(options_.pool_size, 1);
  options_.max_attempts = std::max(options_.max_attempts, 1);
  idle_.push_back(std::move(first));
  open_ = 1;
  opened_ = 1;
}

PooledDatabase::~PooledDatabase() { Close(); }

void PooledDatabase::Close() {
  std::vector<std::unique_ptr<PooledConnection>> idle;
  {
    std::lock_guard lock(mu_);
    closing_ = true;
    idle.swap(idle_);
    open_ -= static_cast<int>(idle.size());
  }
  cv_.notify_all();
  // Leased connections close when their request hands them back.
}

Database::Stats PooledDatabase::stats() { return Stats{commits_.load(), commits_.load()}; }

PooledDatabase::PoolStats PooledDatabase::pool_stats() const {
  return PoolStats{commits_.load(), retries_.load(), opened_.load()};
}

std::unique_ptr<PooledConnection> PooledDatabase::Acquire() {
  std::unique_lock lock(mu_);
  auto deadline = std::chrono::steady_clock::now() + options_.acquire_timeout;
  for (;;) {
    // Both errors are busy (TEMPORARILY_UNAVAILABLE) and never retried here.
    if (closing_) throw SqlError(SqlError::Kind::kBusy, "the server is shutting down");
    if (!idle_.empty()) {
      auto c = std::move(idle_.back());
      idle_.pop_back();
      return c;
    }
    if (open_ < options_.pool_size) {
      ++open_;
      lock.unlock();
      try {
        auto c = Connect();
        opened_++;
        return c;
      } catch (...) {
        lock.lock();
        --open_;
        cv_.notify_one();
        throw;
      }
    }
    if (cv_.wait_until(lock, deadline) == std::cv_status::timeout && idle_.empty() && open_ >= options_.pool_size) {
      throw SqlError(SqlError::Kind::kBusy, "no database connection free after " +
                                                std::to_string(options_.acquire_timeout.count()) + " ms (pool size " +
                                                std::to_string(options_.pool_size) + ")");
    }
  }
}

void PooledDatabase::Release(std::unique_ptr<PooledConnection> c, bool in_transaction) {
  bool keep = c->healthy() && !in_transaction;
  if (keep) c->BeforeReuse();
  {
    std::lock_guard lock(mu_);
    if (keep && !closing_) {
      idle_.push_back(std::move(c));
    } else {
      --open_;
    }
  }
  cv_.notify_one();
  // A dropped connection is closed here, outside the lock.
}

void PooledDatabase::DropIdle() {
  std::vector<std::unique_ptr<PooledConnection>> idle;
  {
    std::lock_guard lock(mu_);
    idle.swap(idle_);
    open_ -= static_cast<int>(idle.size());
  }
  cv_.notify_all();
}

Status PooledDatabase::Write(WriteFn fn) {
  DbCallTimer timer(timings_, DbTimings::kWrite);
  for (int attempt = 1;; ++attempt) {
    bool committing = false;
    try {
      Lease c(this, Acquire());
      try {
        c.Begin(begin_write_sql());
        Status st = RunGuarded(fn, *c);
        if (!st.ok()) {
          c.AbandonQuietly();
          return st;
        }
        committing = true;
        c.End("COMMIT");
        commits_++;
        timings_.ObserveBatch(1);
        return Status();
      } catch (const SqlError&) {
        c.AbandonQuietly();
        throw;
      }
    } catch (const SqlError& e) {
      const ServerErrorClass kind = Classify(e);
      // A lost connection during COMMIT leaves the outcome unknown: never run the request twice.
      bool again = attempt < options_.max_attempts && (kind.lost_race || (kind.connection_lost && !committing));
      if (kind.duplicate_key && attempt >= kDuplicateKeyAttempts) again = false;
      if (kind.connection_lost) DropIdle();
      if (!again) return Translate(e);
      retries_++;
      Backoff(attempt);
    }
  }
}

Status PooledDatabase::ReadTx(ReadFn fn) {
  DbCallTimer timer(timings_, DbTimings::kRead);
  for (int attempt = 1;; ++attempt) {
    try {
      Lease c(this, Acquire());
      try {
        c.Begin(begin_read_sql());
        Status st = RunGuarded(fn, *c);
        c.End(st.ok() ? "COMMIT" : "ROLLBACK");
        return st;
      } catch (const SqlError&) {
        c.AbandonQuietly();
        throw;
      }
    } catch (const SqlError& e) {
      // A read is safe to repeat: once more on a fresh connection if the old one died.
      const bool lost = Classify(e).connection_lost;
      if (lost) DropIdle();
      if (attempt < 2 && lost) continue;
      return Translate(e);
    }
  }
}

Status PooledDatabase::Setup(const std::function<Status(Connection&)>& fn) {
  try {
    Lease c(this, Acquire());
    c->ExecScript(setup_lock_sql());
    Status st;
    try {
      st = RunGuarded(fn, *c);
    } catch (const SqlError& e) {
      st = Translate(e);
    }
    if (c->healthy()) {
      // A failed fn may have left its transaction open, in which the unlock would fail.
      if (!st.ok()) RollbackQuietly(*c);
      try {
        c->ExecScript(setup_unlock_sql());
      } catch (const SqlError&) {
      }
    }
    return st;
  } catch (const SqlError& e) {
    return Translate(e);
  }
}

}  // namespace mlflow::store::sql
