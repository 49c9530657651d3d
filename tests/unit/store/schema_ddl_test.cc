// The schema description (schema_def.h) is coherent, and the DDL generator (schema_ddl.h) writes
// what a dialect decides and nothing else. What the generated DDL builds is checked against
// MLflow's schema in schema_test.cc (SQLite) and against real MLflow databases by the interop
// suites (tests/interop/schema_compare.py, tests/interop/db_upgrade/).
#include "store/sql/schema_ddl.h"

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <stdexcept>
#include <string>

#include "store/sql/schema.h"

namespace mlflow::store::sql::schema {
namespace {

bool HasColumns(const Table& t, std::string_view list) {
  const std::vector<std::string_view> columns = SplitList(list);
  for (std::string_view c : columns) {
    if (!t.FindColumn(c)) return false;
  }
  return !columns.empty();
}

TEST(SchemaDescription, SplitListReadsSqlColumnLists) {
  EXPECT_EQ(SplitList("key, timestamp,step"), (std::vector<std::string_view>{"key", "timestamp", "step"}));
  EXPECT_EQ(SplitList("name"), (std::vector<std::string_view>{"name"}));
  EXPECT_TRUE(SplitList("").empty());
}

// Every name a constraint or an index refers to exists; a foreign key points at an earlier table
// (PostgreSQL needs it created first) and at its primary key or a UNIQUE (PostgreSQL needs one).
TEST(SchemaDescription, EveryReferenceResolves) {
  std::map<std::string_view, const Table*> created;
  for (const Table& t : MlflowSchema()) {
    SCOPED_TRACE(std::string(t.name));
    int primary_keys = 0;
    for (const Constraint& c : t.constraints) {
      EXPECT_TRUE(HasColumns(t, c.columns)) << c.name;
      if (c.kind == ConstraintKind::kPrimaryKey) {
        ++primary_keys;
        for (std::string_view col : SplitList(c.columns)) EXPECT_FALSE(t.FindColumn(col)->nullable) << col;
      }
      if (c.kind != ConstraintKind::kForeignKey) continue;
      auto ref = created.find(c.ref_table);
      ASSERT_NE(ref, created.end()) << "foreign key to a later or unknown table " << c.ref_table;
      EXPECT_TRUE(HasColumns(*ref->second, c.ref_columns)) << c.ref_table;
      EXPECT_EQ(SplitList(c.ref_columns).size(), SplitList(c.columns).size());
      bool keyed = false;
      for (const Constraint& k : ref->second->constraints) {
        keyed |= (k.kind == ConstraintKind::kPrimaryKey || k.kind == ConstraintKind::kUnique) &&
                 SplitList(k.columns) == SplitList(c.ref_columns);
      }
      EXPECT_TRUE(keyed) << c.ref_table << " has no key on the referenced columns";
    }
    EXPECT_EQ(primary_keys, 1);
    for (const Index& ix : t.indexes) EXPECT_TRUE(HasColumns(t, ix.columns)) << ix.name;
    EXPECT_TRUE(created.emplace(t.name, &t).second) << "table described twice";
  }
}

// Constraint and index names are unique in the whole schema (both live in one namespace on
// PostgreSQL), and the generated names do not collide with MLflow's.
TEST(SchemaDescription, NamesAreUniqueOnEveryDialect) {
  for (const DdlDialect* d : {&SqliteDdl(), &PostgresDdl()}) {
    std::set<std::string> names;
    for (const Table& t : MlflowSchema()) {
      for (const Constraint& c : t.constraints) {
        if (!d->Emits(t, c)) continue;
        std::string name = d->ConstraintName(t, c);
        if (!name.empty()) {
          EXPECT_TRUE(names.insert(name).second) << name;
        }
      }
      for (const Index& ix : t.indexes) EXPECT_TRUE(names.insert(std::string(ix.name)).second) << ix.name;
    }
  }
}

// Column facts the dialects rely on: CHECK values fit their VARCHAR, boolean CHECKs sit on
// booleans, a boolean default is 0 or 1, only string columns have a length.
TEST(SchemaDescription, ColumnFactsAreConsistent) {
  for (const Table& t : MlflowSchema()) {
    for (const Column& c : t.columns) {
      SCOPED_TRACE(std::string(t.name) + "." + std::string(c.name));
      EXPECT_EQ(c.type == Type::kString, c.length > 0);
      if (c.type == Type::kBoolean && !c.server_default.empty()) {
        EXPECT_TRUE(c.server_default == "0" || c.server_default == "1");
      }
      if (c.autoincrement) {
        EXPECT_EQ(c.type, Type::kInteger);
      }
      if (c.text_size != TextSize::kDefault) {
        EXPECT_EQ(c.type, Type::kText);
      }
    }
    for (const Constraint& c : t.constraints) {
      if (c.kind == ConstraintKind::kBooleanCheck) {
        EXPECT_EQ(t.FindColumn(c.columns)->type, Type::kBoolean) << t.name;
      }
      if (c.kind != ConstraintKind::kCheckIn) continue;
      const Column* col = t.FindColumn(c.columns);
      ASSERT_EQ(col->type, Type::kString) << t.name;
      for (std::string_view v : SplitList(c.values)) {
        EXPECT_LE(v.size(), static_cast<size_t>(col->length)) << t.name << "." << col->name << " " << v;
      }
    }
  }
}

// A dialect unlike both real ones: every decision the generator takes comes from the dialect.
class ToyDialect final : public DdlDialect {
 public:
  std::string Identifier(std::string_view name) const override { return "`" + std::string(name) + "`"; }
  std::string TypeName(const Column& c) const override {
    return c.type == Type::kText ? (c.text_size == TextSize::kLong ? "LONGTEXT" : "TEXT") : "NUM";
  }
  std::string DefaultLiteral(const Column& c) const override { return "<" + std::string(c.server_default) + ">"; }
  bool Emits(const Table&, const Constraint& c) const override { return c.kind != ConstraintKind::kBooleanCheck; }
  std::string ConstraintName(const Table& t, const Constraint& c) const override {
    return c.name.empty() ? std::string(t.name) + "_anon" : "n_" + std::string(c.name);
  }
  std::string Action(std::string_view action) const override { return "[" + std::string(action) + "]"; }
};

TEST(SchemaDdl, GeneratorWritesSqlAlchemysLayoutWithTheDialectsChoices) {
  Column columns[4];
  columns[0].name = "id";
  columns[0].nullable = false;
  columns[1].name = "body";
  columns[1].type = Type::kText;
  columns[1].text_size = TextSize::kLong;
  columns[2].name = "flag";
  columns[2].type = Type::kBoolean;
  columns[2].server_default = "0";
  columns[2].nullable = false;
  columns[3].name = "sum";
  columns[3].computed = "id + 1";
  Constraint constraints[4];
  constraints[0].name = "things_pk";
  constraints[0].columns = "id";
  constraints[1].kind = ConstraintKind::kForeignKey;
  constraints[1].columns = "id";
  constraints[1].ref_table = "others";
  constraints[1].ref_columns = "oid";
  constraints[1].on_delete = "cascade";
  constraints[2].kind = ConstraintKind::kBooleanCheck;
  constraints[2].columns = "flag";
  constraints[3].kind = ConstraintKind::kCheckIn;
  constraints[3].name = "body_values";
  constraints[3].columns = "body";
  constraints[3].values = "a, b";
  const Index indexes[] = {{"ix_things_body", "body, id"}, {"ux_things_flag", "flag", true}};
  Table t;
  t.name = "things";
  t.columns = columns;
  t.constraints = constraints;
  t.indexes = indexes;

  std::vector<std::string> ddl = GenerateTableDdl(t, ToyDialect());
  ASSERT_EQ(ddl.size(), 3u);
  EXPECT_EQ(ddl[0],
            "CREATE TABLE `things` (\n"
            "\t`id` NUM NOT NULL,\n"
            "\t`body` LONGTEXT,\n"
            "\t`flag` NUM DEFAULT <0> NOT NULL,\n"
            "\t`sum` NUM GENERATED ALWAYS AS (id + 1) STORED,\n"
            "\tCONSTRAINT n_things_pk PRIMARY KEY (`id`),\n"
            "\tCONSTRAINT things_anon FOREIGN KEY(`id`) REFERENCES `others` (`oid`) ON DELETE [cascade],\n"
            "\tCONSTRAINT n_body_values CHECK (`body` IN ('a', 'b'))\n"
            ")");
  EXPECT_EQ(ddl[1], "CREATE INDEX ix_things_body ON `things` (`body`, `id`)");
  EXPECT_EQ(ddl[2], "CREATE UNIQUE INDEX ux_things_flag ON `things` (`flag`)");
}

const Table& Find(std::string_view name) {
  for (const Table& t : MlflowSchema()) {
    if (t.name == name) return t;
  }
  throw std::runtime_error("no table " + std::string(name));
}

// The dialect differences MLflow's databases have (docs/reference/database.md §4).
TEST(SchemaDdl, DialectsDifferWhereMlflowsDatabasesDo) {
  const std::string sqlite_metrics = GenerateTableDdl(Find("metrics"), SqliteDdl()).at(0);
  const std::string pg_metrics = GenerateTableDdl(Find("metrics"), PostgresDdl()).at(0);
  EXPECT_NE(sqlite_metrics.find("CREATE TABLE \"metrics\" ("), std::string::npos);  // rebuilt in batch mode
  EXPECT_NE(sqlite_metrics.find("\tvalue FLOAT NOT NULL"), std::string::npos);
  EXPECT_NE(sqlite_metrics.find("\tis_nan BOOLEAN DEFAULT '0' NOT NULL"), std::string::npos);
  EXPECT_NE(sqlite_metrics.find("\tCHECK (is_nan IN (0, 1))"), std::string::npos);
  EXPECT_NE(pg_metrics.find("CREATE TABLE metrics ("), std::string::npos);
  EXPECT_NE(pg_metrics.find("\tvalue DOUBLE PRECISION NOT NULL"), std::string::npos);
  EXPECT_NE(pg_metrics.find("\tis_nan BOOLEAN DEFAULT false NOT NULL"), std::string::npos);
  EXPECT_EQ(pg_metrics.find("CHECK"), std::string::npos);
  EXPECT_NE(pg_metrics.find("CONSTRAINT metrics_run_uuid_fkey FOREIGN KEY(run_uuid)"), std::string::npos);

  // UNIQUE(name) beside PRIMARY KEY(name): SQLite keeps it, PostgreSQL would drop it, so it is not written.
  EXPECT_NE(GenerateTableDdl(Find("registered_models"), SqliteDdl()).at(0).find("\tUNIQUE (name)"),
            std::string::npos);
  EXPECT_EQ(GenerateTableDdl(Find("registered_models"), PostgresDdl()).at(0).find("UNIQUE"), std::string::npos);
  // A UNIQUE on other columns than the key stays, named as PostgreSQL names it.
  EXPECT_NE(GenerateTableDdl(Find("experiments"), PostgresDdl()).at(0).find("CONSTRAINT experiments_name_key UNIQUE (name)"),
            std::string::npos);
  EXPECT_NE(GenerateTableDdl(Find("experiments"), PostgresDdl()).at(0).find("\texperiment_id SERIAL NOT NULL"),
            std::string::npos);
  EXPECT_NE(GenerateTableDdl(Find("runs"), PostgresDdl()).at(0).find("CONSTRAINT runs_status_check CHECK (status IN"),
            std::string::npos);
  // Referential actions as MLflow spelled them on SQLite (its text is kept), upper case on PostgreSQL.
  EXPECT_NE(GenerateTableDdl(Find("webhook_events"), SqliteDdl()).at(0).find("ON DELETE cascade"), std::string::npos);
  EXPECT_NE(GenerateTableDdl(Find("webhook_events"), PostgresDdl()).at(0).find("ON DELETE CASCADE"), std::string::npos);
}

// CreateSchema runs exactly the generated statements, table by table in creation order.
TEST(SchemaDdl, CreateSchemaRunsTheGeneratedDdl) {
  EXPECT_EQ(internal::SchemaStatements(Dialect::kSqlite), GenerateDdl(MlflowSchema(), SqliteDdl()));
  EXPECT_EQ(internal::SchemaStatements(Dialect::kPostgres), GenerateDdl(MlflowSchema(), PostgresDdl()));
  std::vector<std::string> tables;
  for (const Table& t : MlflowSchema()) tables.emplace_back(t.name);
  EXPECT_EQ(tables, SchemaTableNames());
  EXPECT_EQ(tables.back(), "alembic_version");
}

}  // namespace
}  // namespace mlflow::store::sql::schema
