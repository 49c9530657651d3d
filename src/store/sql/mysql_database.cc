#include "store/sql/mysql_database.h"

namespace mlflow::store::sql {

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

MysqlDatabase::MysqlDatabase(MysqlOptions options)
    : PooledDatabase(options, std::make_unique<MysqlConnection>(options.target)), target_(std::move(options.target)) {}

std::unique_ptr<PooledConnection> MysqlDatabase::Connect() { return std::make_unique<MysqlConnection>(target_); }

// Duplicate key (1062), deadlock (1213), lock wait timeout (1205): another writer won; the request
// may succeed when run again.
ServerErrorClass MysqlDatabase::Classify(const SqlError& e) const {
  const auto* my = dynamic_cast<const MysqlError*>(&e);
  if (my == nullptr) return {};
  ServerErrorClass out;
  out.connection_lost = my->connection_lost();
  out.duplicate_key = my->code() == 1062;
  out.lost_race = out.duplicate_key || my->code() == 1213 || my->code() == 1205;
  return out;
}

}  // namespace mlflow::store::sql
