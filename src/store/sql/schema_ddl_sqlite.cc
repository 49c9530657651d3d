// SQLite's spelling of the schema description, as MLflow's SQLAlchemy leaves it in a database
// (docs/reference/database.md §4): FLOAT, booleans with their CHECK (is_nan IN (0, 1)), unnamed
// constraints left unnamed, and the names of tables MLflow rebuilt in batch mode quoted.
#include "store/sql/schema_ddl.h"

namespace mlflow::store::sql::schema {
namespace {

class Sqlite final : public DdlDialect {
 public:
  std::string Identifier(std::string_view name) const override {
    if (name == "key") return "\"key\"";  // the only word MLflow's SQLite DDL quotes
    return std::string(name);
  }
  std::string TableName(const Table& t) const override {
    return t.rebuilt_in_batch ? "\"" + std::string(t.name) + "\"" : Identifier(t.name);
  }
  std::string TypeName(const Column& c) const override {
    switch (c.type) {
      case Type::kInteger: return "INTEGER";  // an INTEGER primary key is the rowid: autoincrement
      case Type::kBigInt: return "BIGINT";
      case Type::kString: return "VARCHAR(" + std::to_string(c.length) + ")";
      case Type::kText: return "TEXT";
      case Type::kFloat: return "FLOAT";
      case Type::kBoolean: return "BOOLEAN";
      case Type::kJson: return "JSON";
    }
    return "";
  }
  std::string DefaultLiteral(const Column& c) const override { return "'" + std::string(c.server_default) + "'"; }
  bool Emits(const Table&, const Constraint& c) const override { return !c.mysql_only; }
  std::string ConstraintName(const Table&, const Constraint& c) const override { return std::string(c.name); }
};

}  // namespace

const DdlDialect& SqliteDdl() {
  static const Sqlite kDialect;
  return kDialect;
}

}  // namespace mlflow::store::sql::schema
