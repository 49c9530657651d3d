#include "store/sql/open_database.h"

#include <filesystem>

#include "store/sql/mysql_database.h"
#include "store/sql/postgres_connection.h"
#include "store/sql/postgres_database.h"
#include "store/sql/schema.h"
#include "store/sql/sqlite_database.h"
#include "store/sql/store_uri.h"

namespace mlflow::store::sql {
namespace {

// Creates the schema of an empty database; says what it did.
Status PrepareSchema(Connection& conn, const std::string& shown, std::string* note) {
  MLFLOW_ASSIGN_OR_RETURN(SchemaInfo info, InspectSchema(conn, shown));
  if (info.status == SchemaStatus::kEmpty) {
    MLFLOW_RETURN_IF_ERROR(CreateSchema(conn));
    *note = "created database " + shown + " at schema revision " + kSchemaRevision;
  } else if (info.status == SchemaStatus::kNewer) {
    *note = "serving database " + shown + " at newer MLflow revision " + info.revision;
  }
  // Under the setup lock on PostgreSQL and MySQL: a replica creating an index while another
  // inspects the schema could show it a table being rebuilt (schema.h).
  try {
    CreateExtraIndexes(conn);
  } catch (const SqlError& e) {
    return Status::InvalidState(std::string("cannot create mlflow-cpp's indexes: ") + e.what());
  }
  return Status();
}

// Opens a server database's pool (make() throws SqlError for a wrong URI or a refused login) and,
// under its database-wide lock (replicas may start together), checks or creates MLflow's schema.
template <typename MakeDatabase>
Result<OpenedDatabase> OpenPooled(const std::string& uri, MakeDatabase make) {
  const std::string shown = RedactUri(uri);
  OpenedDatabase out;
  std::shared_ptr<PooledDatabase> db;
  try {
    db = make();
  } catch (const SqlError& e) {
    return Status::InvalidParameter("cannot open backend store " + shown + ": " + e.what());
  }
  MLFLOW_RETURN_IF_ERROR(db->Setup([&](Connection& conn) { return PrepareSchema(conn, shown, &out.note); }));
  out.db = db;
  return out;
}

Result<OpenedDatabase> OpenPostgres(const std::string& uri, int pool_size) {
  PostgresOptions opts;
  opts.conninfo = PostgresConninfoFromUri(uri);
  opts.pool_size = pool_size;
  return OpenPooled(uri, [&] { return std::make_shared<PostgresDatabase>(opts); });
}

Result<OpenedDatabase> OpenMysql(const std::string& uri, int pool_size) {
  MysqlOptions opts;
  MLFLOW_ASSIGN_OR_RETURN(opts.target, ParseMysqlUri(uri));
  opts.pool_size = pool_size;
  return OpenPooled(uri, [&] { return std::make_shared<MysqlDatabase>(opts); });
}

}  // namespace

Result<OpenedDatabase> OpenDatabase(const std::string& uri, int pool_size) {
  if (IsPostgresUri(uri)) return OpenPostgres(uri, pool_size);
  if (IsMysqlUri(uri)) return OpenMysql(uri, pool_size);
  MLFLOW_ASSIGN_OR_RETURN(std::string path, SqlitePathFromUri(uri));
  OpenedDatabase out;
  try {
    auto parent = std::filesystem::path(path).parent_path();
    if (!parent.empty()) std::filesystem::create_directories(parent);
    SqliteOptions opts;
    opts.path = path;
    auto db = std::make_shared<SqliteDatabase>(opts);
    MLFLOW_RETURN_IF_ERROR(PrepareSchema(db->writer_connection(), uri, &out.note));
    out.db = db;
  } catch (const SqlError& e) {
    return Status::InvalidParameter(std::string("cannot open backend store: ") + e.what());
  } catch (const std::filesystem::filesystem_error& e) {
    return Status::InvalidParameter(std::string("cannot open backend store: ") + e.what());
  }
  return out;
}

}  // namespace mlflow::store::sql
