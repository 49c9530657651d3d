#include "store/sql/metric_history_page.h"

#include <bit>
#include <cmath>
#include <tuple>

#include <nlohmann/json.hpp>

#include "search/page_token.h"

namespace mlflow::store::sql {
namespace {

using nlohmann::json;

struct Cursor {
  int64_t offset = 0;
  bool seek = false;  // the fields below are set
  int64_t timestamp = 0, step = 0;
  double value = 0;
  int64_t ties = 0;
};

// MLflow's checks and messages first (DecodeOffsetToken); our field is read only from a token
// that passed them, and a malformed one is ignored (the offset alone still names the page).
Result<Cursor> DecodeCursor(const std::string& token) {
  Cursor cur;
  MLFLOW_ASSIGN_OR_RETURN(cur.offset, search::DecodeOffsetToken(token));
  if (token.empty()) return cur;
  const std::optional<std::string> text = search::Base64Decode(token);
  if (!text) return cur;
  const json j = json::parse(*text, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) return cur;
  auto it = j.find("mlflowcpp_after");
  if (it == j.end() || !it->is_array() || it->size() != 4) return cur;
  for (const json& v : *it) {
    if (!v.is_number_integer()) return cur;
  }
  const double value = std::bit_cast<double>((*it)[2].get<int64_t>());
  const int64_t ties = (*it)[3].get<int64_t>();
  if (std::isnan(value) || ties < 0 || ties > cur.offset) return cur;
  cur.seek = true;
  cur.timestamp = (*it)[0].get<int64_t>();
  cur.step = (*it)[1].get<int64_t>();
  cur.value = value;
  cur.ties = ties;
  return cur;
}

struct Row {
  double value;
  int64_t timestamp, step, is_nan;
};

auto Triple(const Row& r) { return std::make_tuple(r.timestamp, r.step, r.value); }

}  // namespace

Result<MetricHistoryPage> ReadMetricHistoryPage(Connection& c, const std::string& run_id, const std::string& key,
                                          int64_t max_results, const std::string& page_token) {
  MLFLOW_ASSIGN_OR_RETURN(Cursor cur, DecodeCursor(page_token));
  // One row past the page tells whether a next page exists.
  int64_t limit = max_results > 0 ? max_results + 1 : -1;
  // PostgreSQL: LIMIT NULL is no limit (-1 is an error there); MySQL takes neither, only a number,
  // so there "no limit" is the largest one.
  if (limit < 0 && c.dialect() == Dialect::kMysql) limit = INT64_MAX;
  const SqlValue limit_value = limit < 0 && c.dialect() == Dialect::kPostgres ? SqlValue{} : SqlValue{limit};
  std::vector<Row> rows;
  {
    // Ties (a NaN stored as 0 beside a real 0) must come in the same order whichever query reads
    // them: SQLite reads both through idx_mlflowcpp_metric_history in its order; PostgreSQL and
    // MySQL may plan the two differently, so there is_nan orders them.
    const std::string order = c.dialect() == Dialect::kSqlite ? " ORDER BY timestamp, step, value"
                                                                : " ORDER BY timestamp, step, value, is_nan";
    StatementLease st = c.Prepare(
        (cur.seek ? "SELECT value, timestamp, step, is_nan FROM metrics WHERE run_uuid = ? AND key = ? AND "
                    "(timestamp, step, value) >= (?, ?, ?)"
                  : "SELECT value, timestamp, step, is_nan FROM metrics WHERE run_uuid = ? AND key = ?") +
        order + " LIMIT ? OFFSET ?");
    int i = st->BindFrom(1, run_id, key);
    if (cur.seek) i = st->BindFrom(i, cur.timestamp, cur.step, cur.value);
    st->BindFrom(i, limit_value, cur.seek ? cur.ties : cur.offset);
    while (st->Step()) rows.push_back({st->Double(0), st->Int(1), st->Int(2), st->Int(3)});
  }
  MetricHistoryPage page;
  const bool more = max_results > 0 && static_cast<int64_t>(rows.size()) > max_results;
  if (more) rows.pop_back();
  page.metrics.reserve(rows.size());
  for (const Row& r : rows) {
    Metric m;
    m.key = key;
    m.value = r.is_nan ? NAN : r.value;
    m.timestamp = r.timestamp;
    m.step = r.step;
    page.metrics.push_back(std::move(m));
  }
  if (!more) return page;
  const int64_t next_offset = cur.offset + max_results;
  json token = {{"offset", next_offset}};
  // The points of this page sharing the last one's triple; when the whole page shares it, those of
  // the pages before count too, known only from a seek token that ended on the same triple.
  const Row& last = rows.back();
  int64_t ties = 0;
  for (auto it = rows.rbegin(); it != rows.rend() && Triple(*it) == Triple(last); ++it) ++ties;
  bool known = true;
  if (ties == static_cast<int64_t>(rows.size()) && cur.offset > 0) {
    if (!cur.seek) {
      known = false;  // an offset token says nothing of the points before the page
    } else if (std::make_tuple(cur.timestamp, cur.step, cur.value) == Triple(last)) {
      ties += cur.ties;
    }
  }
  if (known) {
    token["mlflowcpp_after"] = {last.timestamp, last.step, std::bit_cast<int64_t>(last.value), ties};
  }
  page.next_page_token = search::Base64Encode(token.dump());
  return page;
}

}  // namespace mlflow::store::sql
