// mlflow_make_schema <path>: creates a new SQLite database with CreateSchema (test helper for
// tests/interop/schema_compare.py). Exits 1 if the file exists or creation fails.
#include <filesystem>
#include <iostream>

#include "store/sql/schema.h"
#include "store/sql/sqlite_connection.h"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: mlflow_make_schema <new-sqlite-file>\n";
    return 2;
  }
  if (std::filesystem::exists(argv[1])) {
    std::cerr << "mlflow_make_schema: " << argv[1] << " already exists\n";
    return 1;
  }
  try {
    mlflow::sql::SqliteConnection conn(argv[1]);
    mlflow::sql::CreateSchema(conn);
  } catch (const std::exception& e) {
    std::cerr << "mlflow_make_schema: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
