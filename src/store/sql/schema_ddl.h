#pragma once
// DDL generated from the schema description (schema_def.h), one generator per dialect.
//
//   for (const std::string& st : GenerateDdl(schema::MlflowSchema(), SqliteDdl())) conn.ExecScript(st);
//
// The layout (CREATE TABLE with one tab-indented item a line, then the table's indexes) is the
// one SQLAlchemy emits, so SQLite stores the same CREATE TABLE text as in a database MLflow made.
// A dialect decides only what differs between databases: identifier quoting, type names, default
// literals, the names of constraints MLflow leaves unnamed, and which constraints exist there at
// all. Each database is one DdlDialect, nothing else.
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "store/sql/schema_def.h"

namespace mlflow::store::sql::schema {

class DdlDialect {
 public:
  virtual ~DdlDialect() = default;
  // An identifier as written in DDL, quoted where the dialect reserves the word.
  virtual std::string Identifier(std::string_view name) const = 0;
  // The table's name after CREATE TABLE (SQLite quotes tables MLflow rebuilt in batch mode).
  virtual std::string TableName(const Table& table) const { return Identifier(table.name); }
  // The column's type, e.g. "VARCHAR(256)", "DOUBLE PRECISION", "SERIAL".
  virtual std::string TypeName(const Column& column) const = 0;
  // The literal after DEFAULT for column.server_default (not called when it is empty).
  virtual std::string DefaultLiteral(const Column& column) const = 0;
  // Whether the constraint is written for this dialect at all (e.g. boolean CHECKs only where
  // booleans are not native).
  virtual bool Emits(const Table& table, const Constraint& constraint) const = 0;
  // The name after CONSTRAINT; empty = none. Given constraint.name if set; for an unnamed one the
  // dialect may supply the name its database would generate, so the DDL states every name.
  virtual std::string ConstraintName(const Table& table, const Constraint& constraint) const = 0;
  // ON DELETE / ON UPDATE action as written (MLflow spells some in lower case; SQLite keeps them).
  virtual std::string Action(std::string_view action) const { return std::string(action); }
};

// SQLite as MLflow's SQLAlchemy creates it (schema_ddl_sqlite.cc).
const DdlDialect& SqliteDdl();
// PostgreSQL as MLflow's SQLAlchemy creates it (schema_ddl_postgres.cc).
const DdlDialect& PostgresDdl();
// MySQL / MariaDB as MLflow's SQLAlchemy creates it (schema_ddl_mysql.cc).
const DdlDialect& MysqlDdl();

// One statement per entry, in order: each table's CREATE TABLE followed by its CREATE INDEXes.
std::vector<std::string> GenerateDdl(std::span<const Table> tables, const DdlDialect& dialect);

// One table's statements (CREATE TABLE, then its indexes).
std::vector<std::string> GenerateTableDdl(const Table& table, const DdlDialect& dialect);

}  // namespace mlflow::store::sql::schema
