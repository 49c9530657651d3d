#include "store/sql/mysql_database.h"

#include <random>
#include <thread>

namespace mlflow::store::sql {
namespace {

// Our own code (not a server error number) for "this Database is closed": never retried.
constexpr unsigned kClosing = 99999;

bool Retryable(const MysqlError& e) { return e.code() == 1062 || e.code() == 1213 || e.code() == 1205; }

void Backoff(int attempt) {
  thread_local std::minstd_rand rng(std::random_device{}());
  int ceiling_ms = std::min(2 << std::min(attempt, 6), 100);
  std::this_thread::sleep_for(std::chrono::milliseconds(1 + static_cast<int>(rng() % static_cast<unsigned>(ceiling_ms))));
}

void RollbackQuietly(MysqlConnection& c) {
  if (!c.healthy()) return;
  try {
    c.ExecScript("ROLLBACK");
  } catch (const SqlError&) {
  }
}

}  // namespace

Status TranslateMysqlError(const SqlError& e) {
  const auto* my = dynamic_cast<const MysqlError*>(&e);
  const unsigned code = my ? my->code() : 0;
  switch (e.kind()) {
    case SqlError::Kind::kConstraint:
      return Status::BadRequest(std::string("(pymysql.err.IntegrityError) ") + e.message());
    case SqlError::Kind::kBusy:
      return Status::Unavailable(std::string("(pymysql.err.OperationalError) ") + e.message());
    case SqlError::Kind::kOther:
      break;
  }
  // 1406 data too long, 1264 out of range, 1366 incorrect value: PyMySQL's DataError.
  if (code == 1406 || code == 1264 || code == 1366 || code == 1292) {
    return Status::BadRequest(std::string("(pymysql.err.DataError) ") + e.message());
  }
  if (code == 1064 || code == 1146 || code == 1054) {
    return Status::BadRequest(std::string("(pymysql.err.ProgrammingError) ") + e.message());
  }
  return Status::Internal(std::string("database error: ") + e.message());
}

class MysqlDatabase::Lease {
 public:
  Lease(MysqlDatabase* db, std::unique_ptr<MysqlConnection> c) : db_(db), c_(std::move(c)) {}
  ~Lease() {
    if (c_) db_->Release(std::move(c_), in_transaction);
  }
  MysqlConnection& operator*() { return *c_; }
  MysqlConnection* operator->() { return c_.get(); }
  bool in_transaction = false;  // a transaction left open (its ROLLBACK failed): drop the connection

 private:
  MysqlDatabase* db_;
  std::unique_ptr<MysqlConnection> c_;
};

MysqlDatabase::MysqlDatabase(MysqlOptions options) : options_(std::move(options)) {
  if (options_.pool_size < 1) options_.pool_size = 1;
  if (options_.max_attempts < 1) options_.max_attempts = 1;
  idle_.push_back(std::make_unique<MysqlConnection>(options_.target));
  open_ = 1;
}

MysqlDatabase::~MysqlDatabase() { Close(); }

void MysqlDatabase::Close() {
  std::vector<std::unique_ptr<MysqlConnection>> idle;
  {
    std::lock_guard lock(mu_);
    closing_ = true;
    idle.swap(idle_);
    open_ -= static_cast<int>(idle.size());
  }
  cv_.notify_all();
}

std::unique_ptr<MysqlConnection> MysqlDatabase::Acquire() {
  std::unique_lock lock(mu_);
  auto deadline = std::chrono::steady_clock::now() + options_.acquire_timeout;
  for (;;) {
    if (closing_) throw MysqlError(SqlError::Kind::kBusy, kClosing, false, "the server is shutting down");
    if (!idle_.empty()) {
      auto c = std::move(idle_.back());
      idle_.pop_back();
      return c;
    }
    if (open_ < options_.pool_size) {
      ++open_;
      lock.unlock();
      try {
        return std::make_unique<MysqlConnection>(options_.target);
      } catch (...) {
        lock.lock();
        --open_;
        cv_.notify_one();
        throw;
      }
    }
    if (cv_.wait_until(lock, deadline) == std::cv_status::timeout && idle_.empty() && open_ >= options_.pool_size) {
      throw MysqlError(SqlError::Kind::kBusy, 1040, false,
                       "no database connection free after " + std::to_string(options_.acquire_timeout.count()) +
                           " ms (pool size " + std::to_string(options_.pool_size) + ")");
    }
  }
}

void MysqlDatabase::Release(std::unique_ptr<MysqlConnection> c, bool in_transaction) {
  bool keep = c->healthy() && !in_transaction;
  {
    std::lock_guard lock(mu_);
    if (keep && !closing_) {
      idle_.push_back(std::move(c));
    } else {
      --open_;
    }
  }
  cv_.notify_one();
}

void MysqlDatabase::DropIdle() {
  std::vector<std::unique_ptr<MysqlConnection>> idle;
  {
    std::lock_guard lock(mu_);
    idle.swap(idle_);
    open_ -= static_cast<int>(idle.size());
  }
  cv_.notify_all();
}

Status MysqlDatabase::Write(WriteFn fn) {
  DbCallTimer timer(timings_, DbTimings::kWrite);
  for (int attempt = 1;; ++attempt) {
    bool committing = false;
    try {
      Lease c(this, Acquire());
      try {
        c.in_transaction = true;
        // READ COMMITTED, as on PostgreSQL: a read after a row lock sees what the lock's holder
        // committed, and InnoDB takes no gap locks (fewer deadlocks between concurrent writers).
        c->ExecScript("SET TRANSACTION ISOLATION LEVEL READ COMMITTED; START TRANSACTION");
        Status st;
        try {
          st = fn(*c);
        } catch (const MysqlError&) {
          throw;
        } catch (const SqlError& e) {
          st = TranslateMysqlError(e);
        } catch (const std::exception& e) {
          st = Status::Internal(e.what());
        }
        if (!st.ok()) {
          RollbackQuietly(*c);
          c.in_transaction = false;
          return st;
        }
        committing = true;
        c->ExecScript("COMMIT");
        c.in_transaction = false;
        commits_++;
        timings_.ObserveBatch(1);
        return Status();
      } catch (const MysqlError&) {
        RollbackQuietly(*c);
        c.in_transaction = !c->healthy();
        throw;
      }
    } catch (const MysqlError& e) {
      // A lost connection during COMMIT leaves the outcome unknown: never run the request twice.
      bool again = attempt < options_.max_attempts && (Retryable(e) || (e.connection_lost() && !committing));
      if (e.code() == 1062 && attempt >= 6) again = false;  // a real duplicate, not a race
      if (e.connection_lost()) DropIdle();
      if (!again) return TranslateMysqlError(e);
      Backoff(attempt);
    } catch (const SqlError& e) {
      return TranslateMysqlError(e);
    }
  }
}

Status MysqlDatabase::ReadTx(ReadFn fn) {
  DbCallTimer timer(timings_, DbTimings::kRead);
  for (int attempt = 1;; ++attempt) {
    try {
      Lease c(this, Acquire());
      Status st;
      try {
        c.in_transaction = true;
        c->ExecScript("START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY");
        try {
          st = fn(*c);
        } catch (const MysqlError&) {
          throw;
        } catch (const SqlError& e) {
          st = TranslateMysqlError(e);
        } catch (const std::exception& e) {
          st = Status::Internal(e.what());
        }
        c->ExecScript(st.ok() ? "COMMIT" : "ROLLBACK");
        c.in_transaction = false;
      } catch (const MysqlError&) {
        RollbackQuietly(*c);
        c.in_transaction = !c->healthy();
        throw;
      }
      return st;
    } catch (const MysqlError& e) {
      if (e.connection_lost()) DropIdle();
      if (attempt < 2 && e.connection_lost()) continue;  // a read is safe to repeat once
      return TranslateMysqlError(e);
    } catch (const SqlError& e) {
      return TranslateMysqlError(e);
    }
  }
}

Status MysqlDatabase::Setup(const std::function<Status(Connection&)>& fn) {
  try {
    Lease c(this, Acquire());
    // The lock name is per database, so servers of different databases on one server never wait.
    c->ExecScript("DO GET_LOCK(CONCAT('mlflow_cpp_setup.', DATABASE()), 60)");
    Status st;
    try {
      st = fn(*c);
    } catch (const SqlError& e) {
      st = TranslateMysqlError(e);
    } catch (const std::exception& e) {
      st = Status::Internal(e.what());
    }
    if (c->healthy()) {
      try {
        c->ExecScript("DO RELEASE_LOCK(CONCAT('mlflow_cpp_setup.', DATABASE()))");
      } catch (const SqlError&) {
      }
    }
    return st;
  } catch (const SqlError& e) {
    return TranslateMysqlError(e);
  }
}

}  // namespace mlflow::store::sql
