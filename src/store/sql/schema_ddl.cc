#include "store/sql/schema_ddl.h"

namespace mlflow::store::sql::schema {
namespace {

// "a, b" with each name as the dialect writes identifiers.
std::string ColumnList(std::string_view columns, const DdlDialect& d) {
  std::string out;
  for (std::string_view name : SplitList(columns)) {
    if (!out.empty()) out += ", ";
    out += d.Identifier(name);
  }
  return out;
}

// SQLAlchemy's column specification: name, type, DEFAULT, GENERATED, NOT NULL.
std::string ColumnSpec(const Column& c, const DdlDialect& d) {
  std::string out = d.Identifier(c.name) + " " + d.TypeName(c);
  if (!c.server_default.empty()) out += " DEFAULT " + d.DefaultLiteral(c);
  if (!c.computed.empty()) out += " GENERATED ALWAYS AS (" + std::string(c.computed) + ") STORED";
  if (!c.nullable) out += " NOT NULL";
  return out;
}

std::string ConstraintSpec(const Table& t, const Constraint& c, const DdlDialect& d) {
  std::string out;
  if (std::string name = d.ConstraintName(t, c); !name.empty()) out = "CONSTRAINT " + name + " ";
  switch (c.kind) {
    case ConstraintKind::kPrimaryKey:
      out += "PRIMARY KEY (" + ColumnList(c.columns, d) + ")";
      break;
    case ConstraintKind::kUnique:
      out += "UNIQUE (" + ColumnList(c.columns, d) + ")";
      break;
    case ConstraintKind::kForeignKey:
      out += "FOREIGN KEY(" + ColumnList(c.columns, d) + ") REFERENCES " + d.Identifier(c.ref_table) + " (" +
             ColumnList(c.ref_columns, d) + ")";
      if (!c.on_delete.empty()) out += " ON DELETE " + d.Action(c.on_delete);
      if (!c.on_update.empty()) out += " ON UPDATE " + d.Action(c.on_update);
      break;
    case ConstraintKind::kCheckIn: {
      out += "CHECK (" + d.Identifier(c.columns) + " IN (";
      const char* sep = "";
      for (std::string_view value : SplitList(c.values)) {
        out += sep;
        out += "'" + std::string(value) + "'";  // MLflow's enum values hold no quote or comma
        sep = ", ";
      }
      out += "))";
      break;
    }
    case ConstraintKind::kBooleanCheck:
      out += "CHECK (" + d.Identifier(c.columns) + " IN (0, 1))";
      break;
  }
  return out;
}

}  // namespace

std::vector<std::string> GenerateTableDdl(const Table& t, const DdlDialect& d) {
  std::string sql = "CREATE TABLE " + d.TableName(t) + " (";
  const char* sep = "\n\t";
  for (const Column& c : t.columns) {
    sql += sep + ColumnSpec(c, d);
    sep = ",\n\t";
  }
  for (const Constraint& c : t.constraints) {
    if (!d.Emits(t, c)) continue;
    sql += sep + ConstraintSpec(t, c, d);
  }
  sql += "\n)";
  std::vector<std::string> out = {std::move(sql)};
  for (const Index& ix : t.indexes) {
    out.push_back(std::string(ix.unique ? "CREATE UNIQUE INDEX " : "CREATE INDEX ") + std::string(ix.name) +
                  " ON " + d.Identifier(t.name) + " (" + ColumnList(ix.columns, d) + ")");
  }
  return out;
}

std::vector<std::string> GenerateDdl(std::span<const Table> tables, const DdlDialect& d) {
  std::vector<std::string> out;
  for (const Table& t : tables) {
    for (std::string& st : GenerateTableDdl(t, d)) out.push_back(std::move(st));
  }
  return out;
}

}  // namespace mlflow::store::sql::schema
