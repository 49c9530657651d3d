// MySQL's spelling of the schema description, as MLflow's SQLAlchemy leaves it in a MySQL or
// MariaDB database (docs/reference/database.md §4): FLOAT(53) (stored as DOUBLE), BOOL (TINYINT(1))
// with the CHECK SQLAlchemy adds where booleans are not native, AUTO_INCREMENT for the
// autoincrement key, MEDIUMTEXT / LONGTEXT where MLflow asks for them, and unnamed constraints left
// for the server to name. Identifiers are quoted with backticks, which MySQL reads in every
// sql_mode.
#include "store/sql/schema_ddl.h"

namespace mlflow::store::sql::schema {
namespace {

class Mysql final : public DdlDialect {
 public:
  std::string Identifier(std::string_view name) const override { return "`" + std::string(name) + "`"; }
  std::string TypeName(const Column& c) const override {
    switch (c.type) {
      case Type::kInteger: return c.autoincrement ? "INTEGER AUTO_INCREMENT" : "INTEGER";
      case Type::kBigInt: return "BIGINT";
      case Type::kString: return "VARCHAR(" + std::to_string(c.length) + ")";
      case Type::kText:
        switch (c.text_size) {
          case TextSize::kMedium: return "MEDIUMTEXT";
          case TextSize::kLong: return "LONGTEXT";
          case TextSize::kDefault: break;
        }
        return "TEXT";
      case Type::kFloat: return "FLOAT(53)";
      case Type::kBoolean: return "BOOL";
      case Type::kJson: return "JSON";
    }
    return "";
  }
  std::string DefaultLiteral(const Column& c) const override { return "'" + std::string(c.server_default) + "'"; }
  bool Emits(const Table&, const Constraint&) const override { return true; }
  std::string ConstraintName(const Table&, const Constraint& c) const override { return std::string(c.name); }
};

}  // namespace

const DdlDialect& MysqlDdl() {
  static const Mysql kDialect;
  return kDialect;
}

}  // namespace mlflow::store::sql::schema
