// Test helper for tests/interop/schema_compare.py.
//   mlflow_make_schema <path>                       creates a new SQLite database with CreateSchema
//   mlflow_make_schema --print-ddl sqlite|postgres  prints the DDL CreateSchema runs, as a script
// Exits 1 if the file exists or creation fails, 2 on bad usage.
#include <filesystem>
#include <iostream>
#include <string>

#include "store/sql/schema.h"
#include "store/sql/sqlite_connection.h"

namespace {

int PrintDdl(const std::string& dialect) {
  if (dialect != "sqlite" && dialect != "postgres") {
    std::cerr << "mlflow_make_schema: unknown dialect " << dialect << "\n";
    return 2;
  }
  const auto& statements = mlflow::store::sql::internal::SchemaStatements(
      dialect == "sqlite" ? mlflow::SqlDialect::kSqlite : mlflow::SqlDialect::kPostgres);
  for (const std::string& st : statements) std::cout << st << ";\n";
  std::cout << "INSERT INTO alembic_version (version_num) VALUES ('" << mlflow::store::sql::kSchemaRevision
            << "');\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 3 && std::string(argv[1]) == "--print-ddl") return PrintDdl(argv[2]);
  if (argc != 2) {
    std::cerr << "usage: mlflow_make_schema <new-sqlite-file> | --print-ddl sqlite|postgres\n";
    return 2;
  }
  if (std::filesystem::exists(argv[1])) {
    std::cerr << "mlflow_make_schema: " << argv[1] << " already exists\n";
    return 1;
  }
  try {
    mlflow::store::sql::SqliteConnection conn(argv[1]);
    mlflow::Status created = mlflow::store::sql::CreateSchema(conn);
    if (!created.ok()) {
      std::cerr << "mlflow_make_schema: " << created.message() << "\n";
      return 1;
    }
  } catch (const std::exception& e) {
    std::cerr << "mlflow_make_schema: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
