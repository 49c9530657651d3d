#include "store/sql/postgres_database.h"

#include <random>
#include <thread>

#include "store/sql/postgres_connection.h"

namespace mlflow::store::sql {
namespace {

// Any fixed key: all mlflow-cpp processes on one database take the same lock in Setup().
constexpr const char* kSetupLockKey = "7264551230981";
// Our own code (not a SQLSTATE) for "this Database is closed": never retried.
constexpr const char* kClosing = "MLCLS";

bool Retryable(const PgError& e) {
  const std::string& s = e.sqlstate();
  return s == "23505" || s == "40001" || s == "40P01" || s == "55P03";
}

void Backoff(int attempt) {
  thread_local std::minstd_rand rng(std::random_device{}());
  int ceiling_ms = std::min(2 << std::min(attempt, 6), 100);
  std::this_thread::sleep_for(std::chrono::milliseconds(1 + static_cast<int>(rng() % static_cast<unsigned>(ceiling_ms))));
}

// Ends whatever transaction a failed attempt left open; harmless when there is none.
void RollbackQuietly(PostgresConnection& c) {
  if (!c.healthy() || !c.in_transaction()) return;
  try {
    c.ExecScript("ROLLBACK");
  } catch (const SqlError&) {
  }
}

}  // namespace

// MLflow's SQL store answers psycopg2's OperationalError (connection, lock, resources, operator
// intervention: SQLSTATE classes 08, 40, 53-58) with TEMPORARILY_UNAVAILABLE and every other
// database error (integrity 23, data 22 such as a value too long for its VARCHAR, syntax 42)
// with BAD_REQUEST.
Status TranslatePgError(const SqlError& e) {
  const auto* pg = dynamic_cast<const PgError*>(&e);
  const std::string state = pg ? pg->sqlstate() : "";
  auto cls = [&](const char* c) { return state.rfind(c, 0) == 0; };
  switch (e.kind()) {
    case SqlError::Kind::kConstraint:
      return Status::BadRequest(std::string("(psycopg2.errors.IntegrityError) ") + e.message());
    case SqlError::Kind::kBusy:
      return Status::Unavailable(std::string("database is busy or unreachable: ") + e.message());
    case SqlError::Kind::kOther:
      break;
  }
  if (cls("53") || cls("54") || cls("55") || cls("57") || cls("58") || cls("08")) {
    return Status::Unavailable(std::string("(psycopg2.OperationalError) ") + e.message());
  }
  if (cls("22")) return Status::BadRequest(std::string("(psycopg2.errors.DataError) ") + e.message());
  if (cls("42")) return Status::BadRequest(std::string("(psycopg2.errors.ProgrammingError) ") + e.message());
  return Status::Internal(std::string("database error: ") + e.message());
}

// A pooled connection, handed back (or dropped if broken) when it goes out of scope.
class PostgresDatabase::Lease {
 public:
  Lease(PostgresDatabase* db, std::unique_ptr<PostgresConnection> c) : db_(db), c_(std::move(c)) {}
  ~Lease() {
    if (c_) db_->Release(std::move(c_));
  }
  PostgresConnection& operator*() { return *c_; }
  PostgresConnection* operator->() { return c_.get(); }

 private:
  PostgresDatabase* db_;
  std::unique_ptr<PostgresConnection> c_;
};

PostgresDatabase::PostgresDatabase(PostgresOptions options) : options_(std::move(options)) {
  if (options_.pool_size < 1) options_.pool_size = 1;
  if (options_.max_attempts < 1) options_.max_attempts = 1;
  idle_.push_back(std::make_unique<PostgresConnection>(options_.conninfo));
  open_ = 1;
  opened_ = 1;
}

PostgresDatabase::~PostgresDatabase() { Close(); }

void PostgresDatabase::Close() {
  std::vector<std::unique_ptr<PostgresConnection>> idle;
  {
    std::lock_guard lock(mu_);
    closing_ = true;
    idle.swap(idle_);
    open_ -= static_cast<int>(idle.size());
  }
  cv_.notify_all();
  // Leased connections close when their request hands them back.
}

Database::Stats PostgresDatabase::stats() { return Stats{commits_.load(), commits_.load()}; }

PostgresDatabase::PoolStats PostgresDatabase::pool_stats() const {
  return PoolStats{commits_.load(), retries_.load(), opened_.load()};
}

std::unique_ptr<PostgresConnection> PostgresDatabase::Acquire() {
  std::unique_lock lock(mu_);
  auto deadline = std::chrono::steady_clock::now() + options_.acquire_timeout;
  for (;;) {
    if (closing_) throw PgError(SqlError::Kind::kBusy, kClosing, false, "the server is shutting down");
    if (!idle_.empty()) {
      auto c = std::move(idle_.back());
      idle_.pop_back();
      return c;
    }
    if (open_ < options_.pool_size) {
      ++open_;
      lock.unlock();
      try {
        auto c = std::make_unique<PostgresConnection>(options_.conninfo);
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
      throw PgError(SqlError::Kind::kBusy, "53300", false,
                    "no database connection free after " + std::to_string(options_.acquire_timeout.count()) +
                        " ms (pool size " + std::to_string(options_.pool_size) + ")");
    }
  }
}

void PostgresDatabase::Release(std::unique_ptr<PostgresConnection> c) {
  bool keep = c->healthy() && !c->in_transaction();
  if (keep) c->DeallocateReleasedStatements();
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

void PostgresDatabase::DropIdle() {
  std::vector<std::unique_ptr<PostgresConnection>> idle;
  {
    std::lock_guard lock(mu_);
    idle.swap(idle_);
    open_ -= static_cast<int>(idle.size());
  }
  cv_.notify_all();
}

Status PostgresDatabase::Write(WriteFn fn) {
  DbCallTimer timer(timings_, DbTimings::kWrite);
  for (int attempt = 1;; ++attempt) {
    bool committing = false;
    try {
      Lease c(this, Acquire());
      try {
        c->ExecScript("BEGIN");
        Status st;
        try {
          st = fn(*c);
        } catch (const PgError&) {
          throw;
        } catch (const SqlError& e) {
          st = TranslatePgError(e);
        } catch (const std::exception& e) {
          st = Status::Internal(e.what());
        }
        if (!st.ok()) {
          RollbackQuietly(*c);
          return st;
        }
        committing = true;
        c->ExecScript("COMMIT");
        commits_++;
        timings_.ObserveBatch(1);
        return Status();
      } catch (const PgError&) {
        RollbackQuietly(*c);
        throw;
      }
    } catch (const PgError& e) {
      // A lost connection during COMMIT leaves the outcome unknown: never run the request twice.
      bool again = attempt < options_.max_attempts &&
                   (Retryable(e) || (e.connection_lost() && !committing));
      // A real duplicate (not a race) fails the same way every time: give up sooner.
      if (e.sqlstate() == "23505" && attempt >= 6) again = false;
      if (e.connection_lost()) DropIdle();
      if (!again) return TranslatePgError(e);
      retries_++;
      Backoff(attempt);
    } catch (const SqlError& e) {
      return TranslatePgError(e);
    }
  }
}

Status PostgresDatabase::ReadTx(ReadFn fn) {
  DbCallTimer timer(timings_, DbTimings::kRead);
  for (int attempt = 1;; ++attempt) {
    try {
      Lease c(this, Acquire());
      Status st;
      try {
        c->ExecScript("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
        try {
          st = fn(*c);
        } catch (const PgError&) {
          throw;
        } catch (const SqlError& e) {
          st = TranslatePgError(e);
        } catch (const std::exception& e) {
          st = Status::Internal(e.what());
        }
        if (c->in_transaction()) c->ExecScript(st.ok() ? "COMMIT" : "ROLLBACK");
      } catch (const PgError&) {
        RollbackQuietly(*c);
        throw;
      }
      return st;
    } catch (const PgError& e) {
      // A read is safe to repeat: once more on a fresh connection if the old one died.
      if (e.connection_lost()) DropIdle();
      if (attempt < 2 && e.connection_lost()) continue;
      return TranslatePgError(e);
    } catch (const SqlError& e) {
      return TranslatePgError(e);
    }
  }
}

Status PostgresDatabase::Setup(const std::function<Status(Connection&)>& fn) {
  try {
    Lease c(this, Acquire());
    c->ExecScript(std::string("SELECT pg_advisory_lock(") + kSetupLockKey + ")");
    Status st;
    try {
      st = fn(*c);
    } catch (const SqlError& e) {
      st = TranslatePgError(e);
    } catch (const std::exception& e) {
      st = Status::Internal(e.what());
    }
    RollbackQuietly(*c);
    if (c->healthy()) c->ExecScript(std::string("SELECT pg_advisory_unlock(") + kSetupLockKey + ")");
    return st;
  } catch (const SqlError& e) {
    return TranslatePgError(e);
  }
}

}  // namespace mlflow::store::sql
