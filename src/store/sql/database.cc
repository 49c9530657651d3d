#include "store/sql/database.h"

namespace mlflow::store::sql {

Status TranslateSqlError(const SqlError& e) {
  switch (e.kind()) {
    case SqlError::Kind::kConstraint:
      return Status::BadRequest(std::string("(sqlite3.IntegrityError) ") + e.what());
    case SqlError::Kind::kBusy:
      return Status::Unavailable(std::string("database is busy: ") + e.what());
    case SqlError::Kind::kOther:
      break;
  }
  return Status::Internal(std::string("database error: ") + e.what());
}

}  // namespace mlflow::store::sql
