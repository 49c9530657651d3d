// PostgreSQL DDL of MLflow's schema at alembic revision bf29a5ff90ea. Not written yet: CreateSchema
// refuses PostgreSQL until it is (see schema.cc).
#include "store/sql/schema.h"

namespace mlflow::sql::internal {

const std::vector<std::string_view>& PostgresSchemaStatements() {
  static const std::vector<std::string_view> kStatements = {};
  return kStatements;
}

}  // namespace mlflow::sql::internal
