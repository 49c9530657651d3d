#include "store/sql/database.h"

namespace mlflow::store::sql {

// Messages reach clients: message() never carries the statement (SqlError keeps it for logs).
Status TranslateSqlError(const SqlError& e) {
  switch (e.kind()) {
    case SqlError::Kind::kConstraint:
      return Status::BadRequest(std::string("(sqlite3.IntegrityError) ") + e.message());
    case SqlError::Kind::kBusy:
      return Status::Unavailable(std::string("database is busy: ") + e.message());
    case SqlError::Kind::kOther:
      break;
  }
  return Status::Internal(std::string("database error: ") + e.message());
}

}  // namespace mlflow::store::sql
