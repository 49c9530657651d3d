#include "store/sql/metric_sampling.h"

#include <algorithm>
#include <cmath>

#include "store/sql/metric_shapes.h"

namespace mlflow::store::sql {
namespace {

// NTILE(n) over `total` rows, total >= n: the first total % n buckets hold total / n + 1 rows,
// the others total / n. Below n rows every row is its own bucket.
struct Buckets {
  int64_t big;        // rows in each of the first `bigs` buckets
  int64_t small;      // rows in each later bucket (at least 1, so it can divide)
  int64_t big_end;    // position of the first row after the big buckets
  int64_t bigs;       // number of big buckets
  int64_t replaced;   // position of the last bucket's first row when the last point replaces it; -1 if none
};

Buckets BucketsOf(int64_t total, int64_t n) {
  if (total <= n) return {1, 1, total, total, -1};
  const int64_t q = total / n, r = total % n;
  const int64_t last_start = (n - 1) * q + std::min(n - 1, r);
  return {q + 1, q, r * (q + 1), r, last_start == total - 1 ? -1 : last_start};
}

// The step bounds, both or neither (plain values: GCC flags optionals passed on as maybe-uninitialized).
struct StepRange {
  bool bounded = false;
  int64_t start = 0, end = 0;
};

Metric MakeMetric(const std::string& run_id, const std::string& key, int64_t step, int64_t timestamp, double value,
                  bool is_nan) {
  Metric m;
  m.key = key;
  m.value = is_nan ? NAN : value;
  m.timestamp = timestamp;
  m.step = step;
  m.run_id = run_id;
  return m;
}

int64_t CountPoints(Connection& c, const std::string& run_id, const std::string& key, StepRange range) {
  auto st = c.Prepare(range.bounded ? "SELECT count(*) FROM metrics WHERE run_uuid = ? AND key = ? AND step >= ? AND step <= ?"
                            : "SELECT count(*) FROM metrics WHERE run_uuid = ? AND key = ?");
  st->BindAll(run_id, key);
  if (range.bounded) st->BindFrom(3, range.start, range.end);
  return st->Step() ? st->Int(0) : 0;
}

struct Row {
  int64_t step = 0, timestamp = 0;
  double value = 0;
  int64_t is_nan = 0;
  bool operator==(const Row&) const = default;
};

Row ReadRow(Statement& st) { return {st.Int(0), st.Int(1), st.Double(2), st.Int(3)}; }

std::vector<Metric> ToMetrics(const std::string& run_id, const std::string& key, const std::vector<Row>& rows) {
  std::vector<Metric> out;
  out.reserve(rows.size());
  for (const Row& r : rows) out.push_back(MakeMetric(run_id, key, r.step, r.timestamp, r.value, r.is_nan != 0));
  return out;
}

// The first or the last point of the range: one seek on idx_mlflowcpp_metric_steps.
std::optional<Row> EdgeRow(Connection& c, const std::string& run_id, const std::string& key, StepRange range,
                           bool last) {
  std::string sql = "SELECT step, timestamp, value, is_nan FROM metrics WHERE run_uuid = ? AND key = ?";
  if (range.bounded) sql += " AND step >= ? AND step <= ?";
  sql += last ? " ORDER BY step DESC, timestamp DESC, value DESC, is_nan DESC LIMIT 1"
              : " ORDER BY step, timestamp, value, is_nan LIMIT 1";
  auto st = c.Prepare(sql);
  st->BindAll(run_id, key);
  if (range.bounded) st->BindFrom(3, range.start, range.end);
  if (!st->Step()) return std::nullopt;
  return ReadRow(*st);
}

// SQLite runs in this process, so a query per kept point is cheap: each one seeks to just after the
// previous kept point (a row-value seek on idx_mlflowcpp_metric_steps) and skips the rows between
// with OFFSET, which SQLite does inside its VDBE without producing them. The walk counts every row
// it passes. False when the rows run out before the last position, or, with dense_from, as soon as
// a kept row's step is not dense_from + its position (the history is not one point a step).
bool Walk(Connection& c, const std::string& run_id, const std::string& key, StepRange range,
          const std::vector<int64_t>& positions, std::optional<int64_t> dense_from, std::vector<Row>* out) {
  out->clear();
  out->reserve(positions.size());
  int64_t previous = -1;
  for (int64_t pos : positions) {
    const bool first = previous < 0;
    std::string sql = "SELECT step, timestamp, value, is_nan FROM metrics WHERE run_uuid = ? AND key = ?";
    if (first && range.bounded) sql += " AND step >= ?";
    if (!first) sql += " AND (step, timestamp, value, is_nan) > (?, ?, ?, ?)";
    if (range.bounded) sql += " AND step <= ?";
    sql += " ORDER BY step, timestamp, value, is_nan LIMIT 1 OFFSET ?";
    auto st = c.Prepare(sql);
    int i = st->BindFrom(1, run_id, key);
    if (first && range.bounded) i = st->BindFrom(i, range.start);
    if (!first) {
      const Row& p = out->back();
      i = st->BindFrom(i, p.step, p.timestamp, p.value, p.is_nan);
    }
    if (range.bounded) i = st->BindFrom(i, range.end);
    st->Bind(i, pos - previous - 1);
    if (!st->Step()) return false;
    out->push_back(ReadRow(*st));
    if (dense_from && out->back().step != *dense_from + pos) return false;
    previous = pos;
  }
  return true;
}

std::vector<Metric> SampleInProcess(Connection& c, const std::string& run_id, const std::string& key, StepRange range,
                                    int64_t max_results) {
  const std::optional<Row> first = EdgeRow(c, run_id, key, range, false);
  if (!first) return {};
  const Row last = EdgeRow(c, run_id, key, range, true).value_or(*first);
  std::vector<Row> rows;
  // The usual history has one point a step from its first step to its last (a training loop's).
  // Guess so: then it has last - first + 1 points and the positions follow without a count. The
  // walk proves the guess or drops it: it counts the rows it passes, so reaching the guessed last
  // position on the range's last row means there are exactly that many.
  const __int128 span = static_cast<__int128>(last.step) - first->step + 1;
  if (span <= INT64_MAX) {
    const int64_t guess = static_cast<int64_t>(span);
    if (Walk(c, run_id, key, range, SampledPositions(guess, max_results), first->step, &rows) && rows.back() == last) {
      return ToMetrics(run_id, key, rows);
    }
  }
  const int64_t total = CountPoints(c, run_id, key, range);
  // A concurrent writer can only add rows between the count and the walk (nothing deletes
  // metrics but a run's permanent deletion): the walk then stops at the counted length.
  Walk(c, run_id, key, range, SampledPositions(total, max_results), std::nullopt, &rows);
  return ToMetrics(run_id, key, rows);
}

// PostgreSQL and MySQL answer over the network: one query numbers the rows in index order and
// returns only the kept positions (the same arithmetic as SampledPositions).
std::vector<Metric> SampleOnServer(Connection& c, const std::string& run_id, const std::string& key, StepRange range,
                                   int64_t total, int64_t max_results) {
  std::string sql =
      "SELECT step, timestamp, value, is_nan FROM (SELECT step, timestamp, value, is_nan, "
      "ROW_NUMBER() OVER (ORDER BY step, timestamp, value, is_nan) - 1 AS pos FROM metrics "
      "WHERE run_uuid = ? AND key = ?";
  if (range.bounded) sql += " AND step >= ? AND step <= ?";
  sql +=
      ") ranked WHERE (((pos < ? AND pos % ? = 0) OR (pos >= ? AND (pos + ?) % ? = 0)) AND pos <> ?) "
      "OR pos = ? ORDER BY step, timestamp, value, is_nan";
  const Buckets b = BucketsOf(total, max_results);
  auto st = c.Prepare(sql);
  int i = st->BindFrom(1, run_id, key);
  if (range.bounded) i = st->BindFrom(i, range.start, range.end);
  // (pos - bigs) % small == 0, written without a subtraction: MySQL's ROW_NUMBER() is unsigned.
  const int64_t shift = (b.small - b.bigs % b.small) % b.small;
  st->BindFrom(i, b.big_end, b.big, b.big_end, shift, b.small, b.replaced, total - 1);
  std::vector<Metric> out;
  while (st->Step()) out.push_back(MakeMetric(run_id, key, st->Int(0), st->Int(1), st->Double(2), st->Int(3) != 0));
  return out;
}

// A history of exactly one point a step from min_step (metric_shapes.h) has its position p at
// step lo + p: the kept points are index seeks on (run_uuid, key, step), as many as the points
// returned. nullopt (the caller walks) when a seek does not find exactly one point.
std::optional<std::vector<Metric>> SampleByShape(Connection& c, const std::string& run_id, const std::string& key,
                                                 StepRange range, int64_t min_step, int64_t max_results) {
  int64_t hi = 0;
  {
    auto st = c.Prepare("SELECT max(step) FROM metrics WHERE run_uuid = ? AND key = ?");
    st->BindAll(run_id, key);
    if (!st->Step() || st->IsNull(0)) return std::nullopt;
    hi = st->Int(0);
  }
  int64_t lo = min_step;
  if (range.bounded) {
    lo = std::max(lo, range.start);
    hi = std::min(hi, range.end);
  }
  if (lo > hi) return std::vector<Metric>{};
  const __int128 span = static_cast<__int128>(hi) - lo + 1;
  if (span > INT64_MAX) return std::nullopt;
  std::vector<int64_t> positions = SampledPositions(static_cast<int64_t>(span), max_results);
  std::vector<Metric> out;
  out.reserve(positions.size());
  auto st = c.Prepare("SELECT timestamp, value, is_nan FROM metrics WHERE run_uuid = ? AND key = ? AND step = ? LIMIT 2");
  for (int64_t pos : positions) {
    const int64_t step = lo + pos;
    st->Reset();
    st->BindAll(run_id, key, step);
    if (!st->Step()) return std::nullopt;
    out.push_back(MakeMetric(run_id, key, step, st->Int(0), st->Double(1), st->Int(2) != 0));
    if (st->Step()) return std::nullopt;
  }
  return out;
}

}  // namespace

std::vector<int64_t> SampledPositions(int64_t total, int64_t max_results) {
  std::vector<int64_t> out;
  if (total <= 0) return out;
  const int64_t n = std::max<int64_t>(1, max_results);
  const Buckets b = BucketsOf(total, n);
  for (int64_t pos = 0; pos < b.big_end; pos += b.big) {
    if (pos != b.replaced) out.push_back(pos);
  }
  for (int64_t pos = b.big_end; pos < total; pos += b.small) {
    if (pos != b.replaced) out.push_back(pos);
  }
  if (out.empty() || out.back() != total - 1) out.push_back(total - 1);
  return out;
}

std::vector<Metric> SampleMetricHistory(Connection& c, const std::string& run_id, const std::string& key,
                                        std::optional<int64_t> start_step, std::optional<int64_t> end_step,
                                        int64_t max_results, bool shapes_trusted) {
  StepRange range;
  if (start_step && end_step) range = {true, *start_step, *end_step};
  const int64_t n = std::max<int64_t>(1, max_results);
  if (c.dialect() == Dialect::kSqlite) {
    if (shapes_trusted) {
      if (std::optional<int64_t> min_step = MetricShapeMinStep(c, run_id, key)) {
        if (auto sample = SampleByShape(c, run_id, key, range, *min_step, n)) return std::move(*sample);
      }
    }
    return SampleInProcess(c, run_id, key, range, n);
  }
  const int64_t total = CountPoints(c, run_id, key, range);
  if (total == 0) return {};
  return SampleOnServer(c, run_id, key, range, total, n);
}

}  // namespace mlflow::store::sql
