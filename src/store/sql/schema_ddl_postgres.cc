// PostgreSQL's spelling of the schema description, as MLflow's SQLAlchemy leaves it in a database
// (docs/reference/database.md §4): DOUBLE PRECISION, native booleans (no CHECK, DEFAULT false),
// SERIAL for the autoincrement key, and the names PostgreSQL gives constraints MLflow leaves
// unnamed (<table>_<columns>_fkey / _key / _check), written out so the DDL states every name.
#include "store/sql/schema_ddl.h"

#include <cctype>

namespace mlflow::store::sql::schema {
namespace {

class Postgres final : public DdlDialect {
 public:
  std::string Identifier(std::string_view name) const override {
    if (name == "key" || name == "timestamp") return "\"" + std::string(name) + "\"";
    return std::string(name);
  }
  std::string TypeName(const Column& c) const override {
    switch (c.type) {
      case Type::kInteger: return c.autoincrement ? "SERIAL" : "INTEGER";  // sequence <table>_<column>_seq
      case Type::kBigInt: return "BIGINT";
      case Type::kString: return "VARCHAR(" + std::to_string(c.length) + ")";
      case Type::kText: return "TEXT";
      case Type::kFloat: return "DOUBLE PRECISION";
      case Type::kBoolean: return "BOOLEAN";
      case Type::kJson: return "JSON";
    }
    return "";
  }
  std::string DefaultLiteral(const Column& c) const override {
    if (c.type == Type::kBoolean) return c.server_default == "0" ? "false" : "true";
    return "'" + std::string(c.server_default) + "'";
  }
  bool Emits(const Table& t, const Constraint& c) const override {
    if (c.kind == ConstraintKind::kBooleanCheck || c.mysql_only) return false;  // native boolean
    // A UNIQUE on exactly the primary key's columns: PostgreSQL drops it as redundant, so the
    // migrated database has only the key (registered_models).
    if (c.kind == ConstraintKind::kUnique) {
      for (const Constraint& other : t.constraints) {
        if (other.kind == ConstraintKind::kPrimaryKey && SplitList(other.columns) == SplitList(c.columns)) {
          return false;
        }
      }
    }
    return true;
  }
  std::string ConstraintName(const Table& t, const Constraint& c) const override {
    if (!c.name.empty()) return std::string(c.name);
    // PostgreSQL's own choice for an unnamed constraint (all of ours stay under its 63 bytes).
    std::string name(t.name);
    if (c.kind == ConstraintKind::kPrimaryKey) return name + "_pkey";
    for (std::string_view col : SplitList(c.columns)) name += "_" + std::string(col);
    switch (c.kind) {
      case ConstraintKind::kUnique: return name + "_key";
      case ConstraintKind::kForeignKey: return name + "_fkey";
      default: return name + "_check";
    }
  }
  std::string Action(std::string_view action) const override {
    std::string out(action);
    for (char& ch : out) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    return out;
  }
};

}  // namespace

const DdlDialect& PostgresDdl() {
  static const Postgres kDialect;
  return kDialect;
}

}  // namespace mlflow::store::sql::schema
