#pragma once
// MLflow's database schema as data: tables, columns with abstract types, constraints and indexes,
// in MLflow's order. Written once (schema_mlflow.cc); each dialect's DDL is generated from it
// (schema_ddl.h), so SQLite and PostgreSQL cannot drift apart.
//
//   for (const schema::Table& t : schema::MlflowSchema()) {
//     for (const schema::Column& c : t.columns) Use(c.name, c.type, c.nullable);
//     for (const schema::Constraint& k : t.constraints) Use(schema::SplitList(k.columns));
//   }
//
// The description says what MLflow's SQLAlchemy models and migrations declare (types, sizes,
// names, actions as MLflow spells them); what a database makes of it is the dialect's business
// (SQLite keeps CHECKs for booleans, PostgreSQL names unnamed constraints, MySQL would pick
// MEDIUMTEXT/LONGTEXT where MLflow asks for them). Facts: docs/reference/database.md §4-§6.
//
// Everything here is constexpr: the description lives in the binary's read-only data, costs no
// code to build and no heap, and the server touches it only when it creates a database.
// Column lists are written as in SQL, "key, run_uuid" (SplitList separates them).
#include <span>
#include <string_view>
#include <vector>

namespace mlflow::store::sql::schema {

// SQLAlchemy's generic types as MLflow uses them (docs/reference/database.md §4).
enum class Type {
  kInteger,  // Integer
  kBigInt,   // BigInteger
  kString,   // String(length): VARCHAR(n)
  kText,     // Text / UnicodeText
  kFloat,    // Float (double precision)
  kBoolean,  // Boolean
  kJson,     // JSON
};

// Where MLflow asks MySQL for a larger text type (MEDIUMTEXT, LONGTEXT: docs/reference/database.md
// §4); every other dialect uses its plain text type.
enum class TextSize { kDefault, kMedium, kLong };

struct Column {
  std::string_view name;
  Type type = Type::kInteger;
  int length = 0;  // kString only
  bool nullable = true;
  // Server default as a value, unquoted ("0", "ACTIVE"); empty = none. A boolean's "0"/"1" is
  // spelled by the dialect (SQLite '0', PostgreSQL false).
  std::string_view server_default;
  // An integer primary key the database numbers itself (experiments.experiment_id: SQLite's rowid
  // alias, PostgreSQL's SERIAL with sequence <table>_<column>_seq).
  bool autoincrement = false;
  // Generated column: GENERATED ALWAYS AS (<computed>) STORED; empty = an ordinary column.
  std::string_view computed;
  TextSize text_size = TextSize::kDefault;
};

enum class ConstraintKind {
  kPrimaryKey,
  kUnique,
  kForeignKey,
  kCheckIn,       // CHECK (<column> IN (<values>)): MLflow's CheckConstraint(col.in_(...))
  kBooleanCheck,  // CHECK (<column> IN (0, 1)): SQLAlchemy's Boolean(create_constraint=True),
                  // emitted only by dialects without a native boolean
};

struct Constraint {
  ConstraintKind kind = ConstraintKind::kPrimaryKey;
  // As MLflow names it; empty = unnamed (SQLite leaves it so; PostgreSQL gives it its own name).
  std::string_view name;
  std::string_view columns;  // the constrained columns, "a, b" (one for the CHECKs)
  // kForeignKey only.
  std::string_view ref_table;
  std::string_view ref_columns;
  // Referential actions as MLflow spells them ("CASCADE", "cascade"); empty = none (NO ACTION).
  std::string_view on_delete;
  std::string_view on_update;
  // kCheckIn only: the allowed string values in MLflow's order, "active, deleted".
  std::string_view values;
  // Only in a MySQL database MLflow made (its migrations left it there, e.g. the second CHECK on
  // metrics.is_nan); the other dialects never emit it.
  bool mysql_only = false;
};

struct Index {
  std::string_view name;
  std::string_view columns;  // "a, b"
  bool unique = false;
};

struct Table {
  std::string_view name;
  std::span<const Column> columns;          // in the order the migrated database has them
  std::span<const Constraint> constraints;  // in MLflow's order
  std::span<const Index> indexes;           // created right after the table, in this order
  // MLflow rebuilt the table in an alembic batch migration; SQLite then stores its CREATE TABLE
  // text with the name quoted ("runs"), and we write it the same way.
  bool rebuilt_in_batch = false;

  const Column* FindColumn(std::string_view column) const;
};

// MLflow's schema at alembic revision kSchemaRevision (schema.h), every table including
// alembic_version, in creation order.
std::span<const Table> MlflowSchema();

// "a, b" -> {"a", "b"}; "" -> {}.
std::vector<std::string_view> SplitList(std::string_view list);

}  // namespace mlflow::store::sql::schema
