#include "auth/auth_schema.h"

#include "auth/auth_store.h"

namespace mlflow::auth {

using store::sql::Dialect;

namespace {

// The column types SQLAlchemy gives MLflow's models on each dialect.
struct Types {
  const char* id;       // an Integer primary key
  const char* boolean;  // is_admin
  const char* table_suffix;
};

Types TypesFor(Dialect d) {
  switch (d) {
    case Dialect::kPostgres:
      return {"SERIAL NOT NULL", "BOOLEAN", ""};
    case Dialect::kMysql:
      return {"INTEGER NOT NULL AUTO_INCREMENT", "BOOL", " ENGINE=InnoDB"};
    case Dialect::kSqlite:
      break;
  }
  return {"INTEGER NOT NULL", "BOOLEAN", ""};
}

// A per-user permission table MLflow keeps (empty) since its roles migration, for a rollback.
// MySQL wants foreign-key names unique per database and MLflow names two of them fk_user_id, so
// there the legacy tables' keys are left for InnoDB to name.
std::string LegacyTable(Dialect d, const std::string& table, const std::string& columns, const std::string& fk,
                        const std::string& unique_name, const std::string& unique_columns) {
  Types t = TypesFor(d);
  std::string fk_clause = d == Dialect::kMysql ? "FOREIGN KEY(user_id) REFERENCES users (id)"
                                               : "CONSTRAINT " + fk + " FOREIGN KEY(user_id) REFERENCES users (id)";
  return "CREATE TABLE " + table + " (id " + t.id + ", " + columns + ", PRIMARY KEY (id), " + fk_clause +
         ", CONSTRAINT " + unique_name + " UNIQUE (" + unique_columns + "))" + t.table_suffix + ";\n";
}

}  // namespace

std::string AuthSchemaDdl(Dialect d) {
  Types t = TypesFor(d);
  const std::string sfx = t.table_suffix;
  std::string ddl;
  ddl += "CREATE TABLE alembic_version_auth (version_num VARCHAR(32) NOT NULL, "
         "CONSTRAINT alembic_version_auth_pkc PRIMARY KEY (version_num))" + sfx + ";\n";
  ddl += std::string("CREATE TABLE users (id ") + t.id + ", username VARCHAR(255), password_hash VARCHAR(255), " +
         "is_admin " + t.boolean + ", PRIMARY KEY (id), UNIQUE (username))" + sfx + ";\n";
  ddl += LegacyTable(d, "experiment_permissions",
                     "experiment_id VARCHAR(255) NOT NULL, user_id INTEGER NOT NULL, permission VARCHAR(255)",
                     "fk_user_id", "unique_experiment_user", "experiment_id, user_id");
  ddl += LegacyTable(d, "scorer_permissions",
                     "experiment_id VARCHAR(255) NOT NULL, scorer_name VARCHAR(256) NOT NULL, user_id INTEGER NOT NULL, "
                     "permission VARCHAR(255)",
                     "fk_scorer_perm_user_id", "unique_scorer_user", "experiment_id, scorer_name, user_id");
  ddl += LegacyTable(d, "gateway_secret_permissions",
                     "secret_id VARCHAR(255) NOT NULL, user_id INTEGER NOT NULL, permission VARCHAR(255)",
                     "fk_gateway_secret_perm_user_id", "unique_secret_user", "secret_id, user_id");
  ddl += LegacyTable(d, "gateway_endpoint_permissions",
                     "endpoint_id VARCHAR(255) NOT NULL, user_id INTEGER NOT NULL, permission VARCHAR(255)",
                     "fk_gateway_endpoint_perm_user_id", "unique_endpoint_user", "endpoint_id, user_id");
  ddl += LegacyTable(d, "gateway_model_definition_permissions",
                     "model_definition_id VARCHAR(255) NOT NULL, user_id INTEGER NOT NULL, permission VARCHAR(255)",
                     "fk_gateway_model_def_perm_user_id", "unique_model_def_user", "model_definition_id, user_id");
  ddl += LegacyTable(d, "registered_model_permissions",
                     "name VARCHAR(255) NOT NULL, user_id INTEGER NOT NULL, permission VARCHAR(255), "
                     "workspace VARCHAR(63) DEFAULT 'default' NOT NULL",
                     "fk_user_id", "unique_workspace_name_user", "workspace, name, user_id");
  ddl += "CREATE TABLE workspace_permissions (workspace VARCHAR(63) NOT NULL, user_id INTEGER NOT NULL, "
         "permission VARCHAR(32) NOT NULL, CONSTRAINT workspace_permissions_pk PRIMARY KEY (workspace, user_id), "
         "FOREIGN KEY(user_id) REFERENCES users (id))" + sfx + ";\n";
  ddl += "CREATE INDEX idx_workspace_permissions_user_id ON workspace_permissions (user_id);\n";
  ddl += "CREATE INDEX idx_workspace_permissions_workspace ON workspace_permissions (workspace);\n";
  ddl += std::string("CREATE TABLE roles (id ") + t.id + ", name VARCHAR(255) NOT NULL, workspace VARCHAR(63) NOT NULL, " +
         "description VARCHAR(1024), PRIMARY KEY (id), CONSTRAINT unique_workspace_role_name UNIQUE (workspace, name))" +
         sfx + ";\n";
  ddl += "CREATE INDEX idx_roles_workspace ON roles (workspace);\n";
  ddl += std::string("CREATE TABLE role_permissions (id ") + t.id + ", role_id INTEGER NOT NULL, " +
         "resource_type VARCHAR(64) NOT NULL, resource_pattern VARCHAR(255) NOT NULL, permission VARCHAR(255) NOT NULL, " +
         "PRIMARY KEY (id), CONSTRAINT unique_role_resource_perm UNIQUE (role_id, resource_type, resource_pattern), " +
         "FOREIGN KEY(role_id) REFERENCES roles (id))" + sfx + ";\n";
  ddl += "CREATE INDEX idx_role_permissions_role_id ON role_permissions (role_id);\n";
  ddl += std::string("CREATE TABLE user_role_assignments (id ") + t.id + ", user_id INTEGER NOT NULL, " +
         "role_id INTEGER NOT NULL, PRIMARY KEY (id), CONSTRAINT unique_user_role UNIQUE (user_id, role_id), " +
         "FOREIGN KEY(user_id) REFERENCES users (id), FOREIGN KEY(role_id) REFERENCES roles (id))" + sfx + ";\n";
  ddl += "CREATE INDEX idx_user_role_assignments_user_id ON user_role_assignments (user_id);\n";
  ddl += "CREATE INDEX idx_user_role_assignments_role_id ON user_role_assignments (role_id);\n";
  return ddl;
}

Status PrepareAuthSchema(store::sql::Connection& c, const std::string& shown) {
  if (!c.HasTable("alembic_version_auth")) {
    if (c.HasTable("users")) {
      return Status::InvalidParameter("auth database " + shown + " has no alembic_version_auth table");
    }
    std::string stamp = std::string("INSERT INTO alembic_version_auth (version_num) VALUES ('") +
                        kAuthSchemaRevision + "');\n";
    // MySQL commits each DDL statement by itself; the others create the schema in one transaction.
    if (c.dialect() == Dialect::kMysql) {
      c.ExecScript(AuthSchemaDdl(c.dialect()) + stamp);
    } else {
      c.ExecScript("BEGIN;\n" + AuthSchemaDdl(c.dialect()) + stamp + "COMMIT;");
    }
    return Status();
  }
  auto st = c.Prepare("SELECT version_num FROM alembic_version_auth");
  std::string rev = st->Step() ? st->Text(0) : "";
  if (rev != kAuthSchemaRevision) {
    return Status::InvalidParameter("auth database " + shown + " is at revision '" + rev +
                                    "'; this server serves MLflow 3.17.2's revision " + kAuthSchemaRevision +
                                    " (upgrade it with MLflow 3.17.2 first)");
  }
  return Status();
}

}  // namespace mlflow::auth
