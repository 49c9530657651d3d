// Developer tool (not a test): runs our compiled search SQL on a database written and searched by
// real MLflow (store_diff.py) and reports every query whose ids or order differ.
#include <libpq-fe.h>
#include <sqlite3.h>

#include <cstdio>
#include <cstdlib>

#include <iostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "search/sql_compiler.h"

using namespace mlflow;
using namespace mlflow::search;
using nlohmann::json;

// PostgreSQL mode: argv[1] is a libpq connection string ("host=127.0.0.1 port=... user=...").
static PGconn* g_pg = nullptr;

static std::vector<std::string> PgQuery(const SqlQuery& q, std::string* err) {
  std::string sql;
  int n = 0;
  for (char ch : q.sql) {
    if (ch == '?') sql += "$" + std::to_string(++n);  // our SQL never holds a literal '?'
    else sql += ch;
  }
  std::vector<std::string> text(q.params.size());
  std::vector<const char*> values(q.params.size());
  for (size_t i = 0; i < q.params.size(); ++i) {
    const SqlValue& v = q.params[i];
    values[i] = text[i].c_str();
    if (auto* iv = std::get_if<int64_t>(&v)) text[i] = std::to_string(*iv);
    else if (auto* d = std::get_if<double>(&v)) { char b[64]; std::snprintf(b, sizeof b, "%.17g", *d); text[i] = b; }
    else if (auto* s = std::get_if<std::string>(&v)) text[i] = *s;
    values[i] = std::holds_alternative<std::monostate>(v) ? nullptr : text[i].c_str();
  }
  PGresult* res = PQexecParams(g_pg, sql.c_str(), static_cast<int>(values.size()), nullptr, values.data(), nullptr, nullptr, 0);
  std::vector<std::string> out;
  if (PQresultStatus(res) != PGRES_TUPLES_OK) {
    *err = PQresultErrorMessage(res);
  } else {
    for (int r = 0; r < PQntuples(res); ++r) {
      std::string k = PQgetvalue(res, r, 0);
      if (PQnfields(res) > 1) k += ":" + std::string(PQgetvalue(res, r, 1));
      out.push_back(k);
    }
  }
  PQclear(res);
  return out;
}

static std::vector<std::string> Query(sqlite3* db, const SqlQuery& q, std::string* err) {
  if (g_pg) return PgQuery(q, err);
  std::vector<std::string> out;
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(db, q.sql.c_str(), -1, &st, nullptr) != SQLITE_OK) {
    *err = sqlite3_errmsg(db);
    return out;
  }
  for (size_t i = 0; i < q.params.size(); ++i) {
    int idx = static_cast<int>(i + 1);
    const SqlValue& v = q.params[i];
    if (auto* n = std::get_if<int64_t>(&v)) sqlite3_bind_int64(st, idx, *n);
    else if (auto* d = std::get_if<double>(&v)) sqlite3_bind_double(st, idx, *d);
    else if (auto* s = std::get_if<std::string>(&v)) sqlite3_bind_text(st, idx, s->c_str(), -1, SQLITE_TRANSIENT);
    else sqlite3_bind_null(st, idx);
  }
  while (sqlite3_step(st) == SQLITE_ROW) {
    std::string k = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
    if (sqlite3_column_count(st) > 1) k += ":" + std::string(reinterpret_cast<const char*>(sqlite3_column_text(st, 1)));
    out.push_back(k);
  }
  sqlite3_finalize(st);
  return out;
}

static ViewType View(const std::string& v) {
  return v == "DELETED_ONLY" ? ViewType::kDeletedOnly : v == "ALL" ? ViewType::kAll : ViewType::kActiveOnly;
}

int main(int argc, char** argv) {
  if (argc < 2) return 2;
  sqlite3* db = nullptr;
  std::vector<std::string> exp_ids;
  const std::string target = argv[1];
  const SqlDialect dialect = target.rfind("host=", 0) == 0 ? SqlDialect::kPostgres : SqlDialect::kSqlite;
  if (dialect == SqlDialect::kPostgres) {
    g_pg = PQconnectdb(target.c_str());
    if (PQstatus(g_pg) != CONNECTION_OK) {
      std::cerr << PQerrorMessage(g_pg);
      return 2;
    }
    std::string err;
    exp_ids = PgQuery({"SELECT experiment_id FROM experiments WHERE name IN ('prod-a','prod-b','Prod-c') ORDER BY experiment_id", {}}, &err);
  } else {
  sqlite3_open(argv[1], &db);
  sqlite3_exec(db, "PRAGMA case_sensitive_like = ON;", nullptr, nullptr, nullptr);
  {
    sqlite3_stmt* st;
    sqlite3_prepare_v2(db, "SELECT experiment_id FROM experiments WHERE name IN ('prod-a','prod-b','Prod-c') ORDER BY experiment_id", -1, &st, nullptr);
    while (sqlite3_step(st) == SQLITE_ROW) exp_ids.push_back(reinterpret_cast<const char*>(sqlite3_column_text(st, 0)));
    sqlite3_finalize(st);
  }
  }
  std::string line;
  int total = 0, bad = 0;
  while (std::getline(std::cin, line)) {
    json rec = json::parse(line);
    ++total;
    std::string entity = rec["entity"], filter = rec["filter"];
    std::vector<std::string> ob = rec["order_by"].get<std::vector<std::string>>();
    int64_t max_results = rec["max_results"];
    Result<CompiledSearch> c = Status::Internal("unset");
    std::vector<std::string> got;
    std::string err;
    if (entity == "runs" || entity == "runs-paged") {
      RunSearchSpec s;
      s.experiment_ids = exp_ids;
      s.filter = filter;
      s.order_by = ob;
      s.view_type = View(rec["view"]);
      s.max_results = max_results;
      s.nan_compares_as_zero = std::getenv("NAN_AS_ZERO") != nullptr;  // diffing against MLflow 3.6
      for (int page = 0; page < 50; ++page) {
        c = CompileRunSearch(s, dialect);
        if (!c.ok()) break;
        auto ids = Query(db, c->query, &err);
        got.insert(got.end(), ids.begin(), ids.end());
        s.page_token = c->NextPageToken(ids.size());
        if (s.page_token.empty()) break;
      }
    } else if (entity == "experiments") {
      ExperimentSearchSpec s;
      s.filter = filter;
      s.order_by = ob;
      s.view_type = View(rec["view"]);
      s.max_results = max_results;
      c = CompileExperimentSearch(s, dialect);
      if (c.ok()) got = Query(db, c->query, &err);
    } else if (entity == "registered_models") {
      RegisteredModelSearchSpec s;
      s.filter = filter;
      s.order_by = ob;
      s.max_results = max_results;
      c = CompileRegisteredModelSearch(s, dialect);
      if (c.ok()) got = Query(db, c->query, &err);
    } else if (entity == "model_versions") {
      ModelVersionSearchSpec s;
      s.filter = filter;
      s.order_by = ob;
      s.max_results = max_results;
      c = CompileModelVersionSearch(s, dialect);
      if (c.ok()) got = Query(db, c->query, &err);
    } else if (entity == "logged_models") {
      LoggedModelSearchSpec s;
      s.experiment_ids = {exp_ids[0], exp_ids[1]};
      s.filter = filter;
      s.max_results = max_results;
      if (rec["lm_order_by"].is_array()) {
        for (const auto& o : rec["lm_order_by"]) {
          LoggedModelOrderBy x;
          x.field_name = o["field_name"];
          x.ascending = o.value("ascending", true);
          if (o.contains("dataset_name")) x.dataset_name = o["dataset_name"].get<std::string>();
          if (o.contains("dataset_digest")) x.dataset_digest = o["dataset_digest"].get<std::string>();
          s.order_by.push_back(x);
        }
      }
      if (rec["datasets"].is_array()) {
        for (const auto& d : rec["datasets"]) {
          LoggedModelDatasetFilter x;
          x.dataset_name = d["dataset_name"];
          if (d.contains("dataset_digest")) x.dataset_digest = d["dataset_digest"].get<std::string>();
          s.datasets.push_back(x);
        }
      }
      c = CompileLoggedModelSearch(s, dialect);
      if (c.ok()) got = Query(db, c->query, &err);
      if (static_cast<int64_t>(got.size()) > max_results) got.resize(max_results);
    } else {
      continue;
    }
    if (rec.contains("error")) {
      if (c.ok()) {
        ++bad;
        std::cout << "MISMATCH " << entity << " [" << filter << "] ref error: " << rec["error"] << " ours ok\n";
      }
      continue;
    }
    if (!c.ok() || !err.empty()) {
      ++bad;
      std::cout << "MISMATCH " << entity << " [" << filter << "] ours error: " << (c.ok() ? err : c.status().message()) << "\n";
      continue;
    }
    std::vector<std::string> want = rec["ids"].get<std::vector<std::string>>();
    if (entity == "runs-paged" || entity == "runs") {
      // keep as is
    }
    if (got != want) {
      ++bad;
      std::cout << "MISMATCH " << entity << " [" << filter << "] order_by=" << rec["order_by"].dump() << " view=" << rec["view"] << " extra=" << rec.value("lm_order_by", json()).dump() << rec.value("datasets", json()).dump()
                << "\n  want " << json(want).dump() << "\n  got  " << json(got).dump() << "\n";
    }
  }
  std::cout << bad << " mismatches / " << total << "\n";
  if (db) sqlite3_close(db);
  if (g_pg) PQfinish(g_pg);
  return bad ? 1 : 0;
}
