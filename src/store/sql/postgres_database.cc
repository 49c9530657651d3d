#include "store/sql/postgres_database.h"

#include "store/sql/postgres_connection.h"

namespace mlflow::store::sql {
namespace {

// Any fixed key: all mlflow-cpp processes on one database take the same lock in Setup().
constexpr const char* kSetupLockKey = "7264551230981";

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

// The pool's only owner of a PostgresConnection: its first one is opened here.
PostgresDatabase::PostgresDatabase(PostgresOptions options)
    : PooledDatabase(options, std::make_unique<PostgresConnection>(options.conninfo)),
      conninfo_(std::move(options.conninfo)) {}

std::unique_ptr<PooledConnection> PostgresDatabase::Connect() { return std::make_unique<PostgresConnection>(conninfo_); }

std::string PostgresDatabase::setup_lock_sql() const {
  return std::string("SELECT pg_advisory_lock(") + kSetupLockKey + ")";
}

std::string PostgresDatabase::setup_unlock_sql() const {
  return std::string("SELECT pg_advisory_unlock(") + kSetupLockKey + ")";
}

// Unique violation (23505), serialization failure (40001), deadlock (40P01), lock not available
// (55P03): another writer won; the request may succeed when run again.
ServerErrorClass PostgresDatabase::Classify(const SqlError& e) const {
  const auto* pg = dynamic_cast<const PgError*>(&e);
  if (pg == nullptr) return {};
  const std::string& s = pg->sqlstate();
  ServerErrorClass out;
  out.connection_lost = pg->connection_lost();
  out.duplicate_key = s == "23505";
  out.lost_race = out.duplicate_key || s == "40001" || s == "40P01" || s == "55P03";
  return out;
}

}  // namespace mlflow::store::sql
