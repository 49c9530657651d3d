#include "server/db_metrics.h"

#include "server/http/metrics.h"

namespace mlflow::server {

std::string RenderDbMetrics(store::sql::Database& db) {
  using store::sql::DbTimings;
  std::string out;
  store::sql::Database::Stats st = db.stats();
  AppendPromHeader(out, "mlflow_cpp_db_write_requests_total", "counter", "Database write operations.");
  out += "mlflow_cpp_db_write_requests_total " + std::to_string(st.writes) + "\n";
  AppendPromHeader(out, "mlflow_cpp_db_write_transactions_total", "counter",
                   "Transactions that committed them (group commit).");
  out += "mlflow_cpp_db_write_transactions_total " + std::to_string(st.commits) + "\n";

  DbTimings::Snapshot snap = db.timings().snapshot();
  AppendPromHeader(out, "mlflow_cpp_db_commit_batch_size", "histogram",
                   "Write requests per committed transaction (group commit on SQLite, 1 on PostgreSQL and MySQL).");
  AppendPromHistogram(out, "mlflow_cpp_db_commit_batch_size", "", DbTimings::kBatchBounds.data(),
                      snap.batch.buckets.data(), snap.batch.buckets.size(), snap.batch.count, snap.batch.sum);
  AppendPromHeader(out, "mlflow_cpp_db_call_duration_seconds", "histogram",
                   "Wall time of database calls by the stores, waiting for the writer or a connection included.");
  for (auto [kind, label] : {std::pair{DbTimings::kRead, "read"}, std::pair{DbTimings::kWrite, "write"}}) {
    const auto& h = snap.seconds[kind];
    AppendPromHistogram(out, "mlflow_cpp_db_call_duration_seconds", std::string("kind=\"") + label + "\"",
                        DbTimings::kSecondBounds.data(), h.buckets.data(), h.buckets.size(), h.count, h.sum);
  }
  return out;
}

}  // namespace mlflow::server
