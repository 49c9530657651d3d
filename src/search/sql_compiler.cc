#include "search/sql_compiler.h"

#include <cctype>
#include <cmath>
#include <algorithm>
#include <map>

namespace mlflow::search {
namespace {

Status Invalid(std::string m) { return Status::InvalidParameter(std::move(m)); }

constexpr const char* kPromptTag = "mlflow.prompt.is_prompt";
constexpr const char* kDatasetContextTag = "mlflow.data.context";

// A piece of SQL text and the values for its placeholders, in order.
struct Frag {
  std::string sql;
  std::vector<SqlValue> params;

  Frag& Add(std::string_view text) {
    sql += text;
    return *this;
  }
  Frag& Bind(SqlValue v) {
    sql += "?";
    params.push_back(std::move(v));
    return *this;
  }
  Frag& Append(const Frag& o) {
    sql += o.sql;
    params.insert(params.end(), o.params.begin(), o.params.end());
    return *this;
  }
};

SqlValue NumberValue(const Number& n, bool as_double) {
  if (!as_double && n.integer) return SqlValue{*n.integer};
  return SqlValue{n.value};
}

SqlValue ScalarValue(const Value& v, bool as_double) {
  if (const auto* n = std::get_if<Number>(&v)) return NumberValue(*n, as_double);
  if (const auto* s = std::get_if<std::string>(&v)) return SqlValue{*s};
  return SqlValue{};
}

// MySQL compares text case-insensitively under its default collations; MLflow's store makes
// string comparisons case-sensitive there with BINARY, the plain comparison first so an index still
// narrows the rows (docs/reference/database.md §4). True when this clause was written so.
bool EmitMysqlBinaryCompare(Frag& f, const std::string& column, const Clause& c) {
  const auto* text = std::get_if<std::string>(&c.value);
  const auto* list = std::get_if<std::vector<std::string>>(&c.value);
  switch (c.comparator) {
    case Comparator::kEq:
    case Comparator::kNe:
    case Comparator::kLike: {
      if (!text) return false;
      const char* op = c.comparator == Comparator::kEq ? " = " : c.comparator == Comparator::kNe ? " != " : " LIKE ";
      const char* join = c.comparator == Comparator::kNe ? " OR BINARY " : " AND BINARY ";
      f.Add("(" + column + op).Bind(SqlValue{*text}).Add(join + column + op).Bind(SqlValue{*text}).Add(")");
      return true;
    }
    case Comparator::kIn:
    case Comparator::kNotIn: {
      if (!list || list->empty()) return false;
      f.Add("(BINARY " + column + (c.comparator == Comparator::kIn ? " IN (" : " NOT IN ("));
      for (size_t i = 0; i < list->size(); ++i) {
        if (i) f.Add(", ");
        f.Bind(SqlValue{(*list)[i]});
      }
      f.Add("))");
      return true;
    }
    default:
      return false;
  }
}

// Appends "<column> <op> ?" for one clause. `as_double` binds numbers as REAL (metrics).
void EmitCompare(Frag& f, const std::string& column, const Clause& c, SqlDialect d, bool as_double = false) {
  if (d == SqlDialect::kMysql && EmitMysqlBinaryCompare(f, column, c)) return;
  switch (c.comparator) {
    case Comparator::kEq: f.Add(column + " = ").Bind(ScalarValue(c.value, as_double)); return;
    case Comparator::kNe: f.Add(column + " != ").Bind(ScalarValue(c.value, as_double)); return;
    case Comparator::kLt: f.Add(column + " < ").Bind(ScalarValue(c.value, as_double)); return;
    case Comparator::kLe: f.Add(column + " <= ").Bind(ScalarValue(c.value, as_double)); return;
    case Comparator::kGt: f.Add(column + " > ").Bind(ScalarValue(c.value, as_double)); return;
    case Comparator::kGe: f.Add(column + " >= ").Bind(ScalarValue(c.value, as_double)); return;
    case Comparator::kLike: f.Add(column + " LIKE ").Bind(ScalarValue(c.value, false)); return;
    case Comparator::kILike:
      if (d == SqlDialect::kPostgres) {
        f.Add(column + " ILIKE ").Bind(ScalarValue(c.value, false));
      } else {
        f.Add("lower(" + column + ") LIKE lower(").Bind(ScalarValue(c.value, false)).Add(")");
      }
      return;
    case Comparator::kIn:
    case Comparator::kNotIn: {
      const auto* list = std::get_if<std::vector<std::string>>(&c.value);
      bool in = c.comparator == Comparator::kIn;
      if (!list || list->empty()) {
        f.Add(in ? "1 = 0" : "1 = 1");  // SQLAlchemy's empty IN / NOT IN
        return;
      }
      f.Add(column + (in ? " IN (" : " NOT IN ("));
      for (size_t i = 0; i < list->size(); ++i) {
        if (i) f.Add(", ");
        f.Bind(SqlValue{(*list)[i]});
      }
      f.Add(")");
      return;
    }
    case Comparator::kIsNull: f.Add(column + " IS NULL"); return;
    case Comparator::kIsNotNull: f.Add(column + " IS NOT NULL"); return;
  }
}

std::vector<std::string> Stages(ViewType v) {
  switch (v) {
    case ViewType::kActiveOnly: return {kLifecycleActive};
    case ViewType::kDeletedOnly: return {kLifecycleDeleted};
    case ViewType::kAll: return {kLifecycleActive, kLifecycleDeleted};
  }
  return {kLifecycleActive};
}

void EmitStringList(Frag& f, const std::vector<std::string>& values) {
  for (size_t i = 0; i < values.size(); ++i) {
    if (i) f.Add(", ");
    f.Bind(SqlValue{values[i]});
  }
}

Result<std::vector<int64_t>> ExperimentIds(const std::vector<std::string>& ids) {
  std::vector<int64_t> out;
  for (const std::string& id : ids) {
    bool ok = !id.empty() && id.size() <= 18;
    for (size_t i = 0; ok && i < id.size(); ++i) ok = std::isdigit(static_cast<unsigned char>(id[i])) || (i == 0 && id[i] == '-' && id.size() > 1);
    if (!ok) return Invalid("Invalid experiment ID: " + PyStrRepr(id));
    out.push_back(std::stoll(id));
  }
  return out;
}

// "col IN (?, ...)" for integer ids; an empty list matches nothing.
void EmitIdIn(Frag& f, const std::string& column, const std::vector<int64_t>& ids) {
  if (ids.empty()) {
    f.Add("1 = 0");
    return;
  }
  f.Add(column + " IN (");
  for (size_t i = 0; i < ids.size(); ++i) {
    if (i) f.Add(", ");
    f.Bind(SqlValue{ids[i]});
  }
  f.Add(")");
}

// WHERE c1 AND c2 ... (nothing when empty).
void EmitWhere(Frag& out, const std::vector<Frag>& conds) {
  for (size_t i = 0; i < conds.size(); ++i) {
    out.Add(i == 0 ? " WHERE " : " AND ");
    out.Append(conds[i]);
  }
}

// SQLite accepts at most 32766 bound values per statement and PostgreSQL 65535; refuse filters
// (huge IN lists) that would not fit rather than fail in the database.
constexpr size_t kMaxBoundValues = 30000;
Status CheckParamCount(const Frag& q) {
  if (q.params.size() > kMaxBoundValues) {
    return Invalid("Search filter is too large: it needs " + std::to_string(q.params.size()) +
                   " values, at most " + std::to_string(kMaxBoundValues) + " are supported.");
  }
  return Status();
}

void EmitLimitOffset(Frag& out, int64_t limit, int64_t offset) {
  out.Add(" LIMIT ").Bind(SqlValue{limit}).Add(" OFFSET ").Bind(SqlValue{offset});
}

// The page query, ending in LIMIT max_results + 1: MLflow 3.x fetches one row past the page and
// issues a token only when more rows exist (3.6 issued one whenever a run page was full, so its
// last page could be empty).
Result<CompiledSearch> PageQuery(Frag q, int64_t offset, int64_t max_results) {
  EmitLimitOffset(q, max_results + 1, offset);
  MLFLOW_RETURN_IF_ERROR(CheckParamCount(q));
  CompiledSearch out;
  out.query = {std::move(q.sql), std::move(q.params)};
  out.offset = offset;
  out.max_results = max_results;
  out.fetch_limit = max_results + 1;
  out.token_when_full = false;
  return out;
}

// "<column> IN (?, ...)" over the lifecycle stages a view type shows.
Frag LifecycleIn(const char* column, ViewType view) {
  Frag f;
  f.Add(std::string(column) + " IN (");
  EmitStringList(f, Stages(view));
  f.Add(")");
  return f;
}

// ---- runs ----

std::string RunColumn(const std::string& key) {
  if (key == "run_id") return "r.run_uuid";
  if (key == "run_name") return "r.name";  // order_by only; filters use the runName tag
  return "r." + key;                       // user_id, status, artifact_uri, start_time, end_time
}

// Whether the clause becomes an inner JOIN (one row per run at most: tags, params and
// latest_metrics have primary key (key, run_uuid)), which SQLite plans better than IN lists.
bool IsJoinFilter(const Clause& c) {
  if (c.comparator == Comparator::kIsNull || c.comparator == Comparator::kIsNotNull) return false;
  return c.type == KeyType::kMetric || c.type == KeyType::kParam || c.type == KeyType::kTag ||
         (c.type == KeyType::kAttribute && c.key == "run_name");
}

// " JOIN <table> fN ON fN.run_uuid = r.run_uuid AND fN.key = ? AND <comparison>". `probe_metric`
// (SQLite, the ordered parts): the metric value is written `+fN.value`, which SQLite's planner cannot
// seek on, so without statistics it does not drive the join from a wide metric range (every run
// with m1 > 0.05, then a sort) but walks the runs in the page's order and probes each, stopping
// at the LIMIT: the cost follows the page and the filter's selectivity, not the experiment.
Frag RunFilterJoin(const Clause& c, SqlDialect d, int n, bool nan_as_zero, bool probe_metric) {
  Frag f;
  const std::string a = "f" + std::to_string(n);
  const std::string metric_value = (probe_metric ? "+" : "") + a + ".value";
  const char* table = c.type == KeyType::kMetric ? "latest_metrics" : c.type == KeyType::kParam ? "params" : "tags";
  const std::string key = c.type == KeyType::kAttribute ? std::string(kRunNameTag) : c.key;  // run_name: the tag
  f.Add(std::string(" JOIN ") + table + " " + a + " ON " + a + ".run_uuid = r.run_uuid AND " + a + ".key = ")
      .Bind(SqlValue{key})
      .Add(" AND ");
  if (c.type == KeyType::kMetric && nan_as_zero) {
    EmitCompare(f, metric_value, c, d, /*as_double=*/true);
  } else if (c.type == KeyType::kMetric) {
    // NaN is stored as 0 with is_nan set; as in current MLflow (3.17), a NaN satisfies only "!="
    // (IEEE semantics). MLflow 3.6 compared the stored 0 instead.
    if (c.comparator == Comparator::kNe) {
      f.Add("(");
      EmitCompare(f, metric_value, c, d, /*as_double=*/true);
      f.Add(" OR " + a + ".is_nan)");
    } else {
      EmitCompare(f, metric_value, c, d, /*as_double=*/true);
      f.Add(" AND NOT " + a + ".is_nan");
    }
  } else {
    EmitCompare(f, a + ".value", c, d);
  }
  return f;
}

// WHERE condition for the other clauses.
Frag RunFilter(const Clause& c, SqlDialect d) {
  Frag f;
  switch (c.type) {
    case KeyType::kAttribute:
      EmitCompare(f, RunColumn(c.key), c, d);
      return f;
    case KeyType::kParam:
    case KeyType::kTag: {  // IS NULL / IS NOT NULL
      const char* table = c.type == KeyType::kParam ? "params" : "tags";
      f.Add(c.comparator == Comparator::kIsNull ? "NOT EXISTS (" : "EXISTS (");
      f.Add(std::string("SELECT 1 FROM ") + table + " k WHERE k.key = ").Bind(SqlValue{c.key}).Add(" AND k.run_uuid = r.run_uuid)");
      return f;
    }
    case KeyType::kDataset:
      // A run may have several inputs: a semi-join keeps one row per run.
      f.Add("r.run_uuid IN (SELECT i.destination_id FROM inputs i JOIN datasets ds ON ds.dataset_uuid = i.source_id");
      if (c.key == "context") {
        f.Add(" JOIN input_tags it ON it.input_uuid = i.input_uuid AND it.name = ").Bind(SqlValue{std::string(kDatasetContextTag)});
      }
      f.Add(" WHERE i.source_type = ").Bind(SqlValue{std::string("DATASET")});
      f.Add(" AND i.destination_type = ").Bind(SqlValue{std::string("RUN")}).Add(" AND ");
      EmitCompare(f, c.key == "context" ? "it.value" : "ds." + c.key, c, d);
      f.Add(")");
      return f;
    case KeyType::kMetric:
      break;
  }
  return f;
}

}  // namespace

std::string CompiledSearch::NextPageToken(size_t rows) const {
  const int64_t n = static_cast<int64_t>(rows);
  bool more = token_when_full ? n >= max_results : n > max_results;
  if (!more || max_results <= 0) return "";
  if (logged_model_token) {
    LoggedModelPageToken t = *logged_model_token;
    t.offset = offset + max_results;
    return EncodeLoggedModelToken(t);
  }
  return EncodeOffsetToken(offset + max_results);
}

Status ValidateMaxResults(SearchEntity entity, int64_t n) {
  const std::string v = std::to_string(n);
  switch (entity) {
    case SearchEntity::kRuns:
    case SearchEntity::kExperiments:
      if (n < 1) return Invalid("Invalid value " + v + " for parameter 'max_results' supplied. It must be a positive integer");
      if (n > kRunsMaxResultsLimit)
        return Invalid("Invalid value " + v + " for parameter 'max_results' supplied. It must be at most " +
                       std::to_string(kRunsMaxResultsLimit));
      return Status();
    case SearchEntity::kRegisteredModels:
      if (n < 1) return Invalid("Invalid value for max_results. It must be a positive integer, but got " + v);
      if (n > kRegisteredModelsMaxResultsLimit)
        return Invalid("Invalid value for request parameter max_results. It must be at most " +
                       std::to_string(kRegisteredModelsMaxResultsLimit) + ", but got value " + v);
      return Status();
    case SearchEntity::kModelVersions:
      if (n < 1) return Invalid("Invalid value for max_results. It must be a positive integer, but got " + v);
      if (n > kModelVersionsMaxResultsLimit)
        return Invalid("Invalid value for request parameter max_results. It must be at most " +
                       std::to_string(kModelVersionsMaxResultsLimit) + ", but got value " + v);
      return Status();
    case SearchEntity::kLoggedModels:
      if (n < 0) return Invalid("Invalid value " + v + " for parameter 'max_results' supplied. It must be a positive integer");
      return Status();
  }
  return Status();
}

namespace {

// ---- runs: the order in parts an index can walk ----
//
// MLflow's order (CompileRunSearch's single query) sorts every run of the experiments: a CASE puts
// runs without the key last, and a LEFT JOIN makes the runs table drive. Split at those CASE
// boundaries, each part is an ORDER BY an index satisfies (schema.cc, CreateExtraIndexes), so
// with LIMIT a page reads about a page of rows. Ties on start_time DESC put NULL start times last
// on SQLite and MySQL (NULL sorts low) and first on PostgreSQL; parts led by start_time are split
// on it, so each part's seek stays a range.

constexpr const char* kStart = "r.start_time";

bool NullsSortLow(SqlDialect d) { return d != SqlDialect::kPostgres; }

struct RunPart {
  std::string from;  // FROM source before the filter joins
  Frag cond;         // the part's own condition
  enum Kind { kValue, kStartLeading, kUuidOnly } kind = kUuidOnly;
  std::string value_col;  // kValue: the order key's column
  bool ascending = true;  // kValue
  bool tie_start = true;  // kValue: ties broken by start_time DESC, then run_uuid
};

// Two parts of rows ordered by start_time DESC, run_uuid: those with a start time and those without,
// in the dialect's NULL order.
void AddStartParts(std::vector<RunPart>& parts, const std::string& from, const Frag& cond, SqlDialect d) {
  RunPart with{from, cond, RunPart::kStartLeading, "", true, true};
  if (!with.cond.sql.empty()) with.cond.Add(" AND ");
  with.cond.Add(std::string(kStart) + " IS NOT NULL");
  RunPart without{from, cond, RunPart::kUuidOnly, "", true, true};
  if (!without.cond.sql.empty()) without.cond.Add(" AND ");
  without.cond.Add(std::string(kStart) + " IS NULL");
  if (NullsSortLow(d)) {
    parts.push_back(std::move(with));
    parts.push_back(std::move(without));
  } else {
    parts.push_back(std::move(without));
    parts.push_back(std::move(with));
  }
}

std::string PartOrder(const RunPart& p) {
  switch (p.kind) {
    case RunPart::kValue:
      return p.value_col + (p.ascending ? "" : " DESC") + (p.tie_start ? std::string(", ") + kStart + " DESC" : "") +
             ", r.run_uuid";
    case RunPart::kStartLeading: return std::string(kStart) + " DESC, r.run_uuid";
    case RunPart::kUuidOnly: return "r.run_uuid";
  }
  return "r.run_uuid";
}

bool KindMatches(const SqlValue& v, CompiledSearch::KeyKind kind) {
  switch (kind) {
    case CompiledSearch::KeyKind::kInt: return std::holds_alternative<int64_t>(v);
    case CompiledSearch::KeyKind::kDouble: return std::holds_alternative<double>(v);
    case CompiledSearch::KeyKind::kText: return std::holds_alternative<std::string>(v);
    case CompiledSearch::KeyKind::kNone: return false;
  }
  return false;
}

// "rows after `k` within part p", or nullopt when the keyset does not fit the part.
std::optional<Frag> AfterKey(const RunPart& p, const RunKeyset& k, CompiledSearch::KeyKind kind, SqlDialect d) {
  const std::string t = kStart;
  Frag f;
  switch (p.kind) {
    case RunPart::kUuidOnly:
      f.Add("r.run_uuid > ").Bind(SqlValue{k.run_uuid});
      return f;
    case RunPart::kStartLeading:
      if (!k.start_time) return std::nullopt;
      f.Add(t + " <= ").Bind(SqlValue{*k.start_time}).Add(" AND (" + t + " < ").Bind(SqlValue{*k.start_time});
      f.Add(" OR r.run_uuid > ").Bind(SqlValue{k.run_uuid}).Add(")");
      return f;
    case RunPart::kValue: {
      if (!KindMatches(k.value, kind)) return std::nullopt;
      const char* bound = p.ascending ? " >= " : " <= ";
      const char* strict = p.ascending ? " > " : " < ";
      // The first term is a range an index seeks; the second orders ties.
      f.Add(p.value_col + bound).Bind(k.value).Add(" AND (" + p.value_col + strict).Bind(k.value).Add(" OR ");
      if (!p.tie_start) {
        f.Add("r.run_uuid > ").Bind(SqlValue{k.run_uuid});
      } else if (k.start_time) {
        f.Add(t + " < ").Bind(SqlValue{*k.start_time}).Add(" OR (" + t + " = ").Bind(SqlValue{*k.start_time});
        f.Add(" AND r.run_uuid > ").Bind(SqlValue{k.run_uuid}).Add(")");
        if (NullsSortLow(d)) f.Add(" OR " + t + " IS NULL");
      } else if (NullsSortLow(d)) {
        f.Add("(" + t + " IS NULL AND r.run_uuid > ").Bind(SqlValue{k.run_uuid}).Add(")");
      } else {
        f.Add("(" + t + " IS NOT NULL OR r.run_uuid > ").Bind(SqlValue{k.run_uuid}).Add(")");
      }
      f.Add(")");
      return f;
    }
  }
  return std::nullopt;
}

// The parts of an order of at most one key; false when the key is not one we split.
bool RunParts(const std::vector<OrderBy>& order, SqlDialect d, std::vector<RunPart>& parts,
              CompiledSearch::KeyKind& kind) {
  const std::string runs = "runs r";
  kind = CompiledSearch::KeyKind::kNone;
  if (order.empty()) {
    AddStartParts(parts, runs, Frag{}, d);
    return true;
  }
  const OrderBy& ob = order.front();
  if (ob.type == KeyType::kAttribute) {
    const std::string col = RunColumn(ob.key);
    if (ob.key == "start_time" || ob.key == "end_time") {
      kind = CompiledSearch::KeyKind::kInt;
    } else if (ob.key == "run_id" || ob.key == "run_name" || ob.key == "user_id" || ob.key == "status" ||
               ob.key == "artifact_uri") {
      kind = CompiledSearch::KeyKind::kText;
    } else {
      return false;
    }
    RunPart with{runs, Frag{}, RunPart::kValue, col, ob.ascending, ob.key != "start_time"};
    with.cond.Add(col + " IS NOT NULL");
    parts.push_back(std::move(with));
    Frag missing;
    missing.Add(col + " IS NULL");
    if (ob.key == "start_time") {
      parts.push_back(RunPart{runs, missing, RunPart::kUuidOnly, "", true, true});
    } else {
      AddStartParts(parts, runs, missing, d);
    }
    return true;
  }
  const char* table = ob.type == KeyType::kMetric ? "latest_metrics" : ob.type == KeyType::kParam ? "params" : "tags";
  if (ob.type != KeyType::kMetric && ob.type != KeyType::kParam && ob.type != KeyType::kTag) return false;
  kind = ob.type == KeyType::kMetric ? CompiledSearch::KeyKind::kDouble : CompiledSearch::KeyKind::kText;
  // The key's rows drive: one index seek on (key, value) walks them in order.
  const std::string keyed = std::string(table) + " o JOIN runs r ON r.run_uuid = o.run_uuid";
  RunPart with{keyed, Frag{}, RunPart::kValue, "o.value", ob.ascending, true};
  with.cond.Add("o.key = ").Bind(SqlValue{ob.key});
  with.cond.Add(ob.type == KeyType::kMetric ? " AND NOT o.is_nan AND o.value IS NOT NULL" : " AND o.value IS NOT NULL");
  parts.push_back(std::move(with));
  if (ob.type == KeyType::kMetric) {  // NaN values come after real ones, before missing ones
    Frag nan;
    nan.Add("o.key = ").Bind(SqlValue{ob.key}).Add(" AND o.is_nan");
    AddStartParts(parts, keyed, nan, d);
  }
  Frag missing;
  missing.Add(std::string("NOT EXISTS (SELECT 1 FROM ") + table + " m WHERE m.run_uuid = r.run_uuid AND m.key = ")
      .Bind(SqlValue{ob.key})
      .Add(ob.type == KeyType::kMetric ? " AND (m.is_nan OR m.value IS NOT NULL))" : " AND m.value IS NOT NULL)");
  AddStartParts(parts, runs, missing, d);
  return true;
}

std::string RunQueryCanonical(const RunSearchSpec& spec, SqlDialect d) {
  std::string c = "runs/1|" + std::to_string(static_cast<int>(d)) + "|" +
                  std::to_string(static_cast<int>(spec.view_type)) + "|" + (spec.nan_compares_as_zero ? "z" : "n");
  for (const auto& e : spec.experiment_ids) c += "|e" + e;
  c += "|f" + std::to_string(spec.filter.size()) + ":" + spec.filter;
  for (const auto& o : spec.order_by) c += "|o" + std::to_string(o.size()) + ":" + o;
  return c;
}

// Fills out.run_segments: each part as "SELECT run_uuid, value, start_time ... ORDER BY ... LIMIT n".
void CompileRunParts(const RunSearchSpec& spec, const std::vector<OrderBy>& order, const Frag& filter_joins,
                     const std::vector<Frag>& conds, const std::optional<RunKeyset>& keyset, SqlDialect d,
                     CompiledSearch& out) {
  std::vector<RunPart> parts;
  CompiledSearch::KeyKind kind;
  if (!RunParts(order, d, parts, kind)) return;
  out.run_key_kind = kind;
  out.run_query_digest = QueryDigest(RunQueryCanonical(spec, d));
  size_t first = 0;
  std::optional<Frag> after;
  if (keyset && keyset->query_digest == out.run_query_digest && keyset->segment >= 0 &&
      static_cast<size_t>(keyset->segment) < parts.size()) {
    after = AfterKey(parts[static_cast<size_t>(keyset->segment)], *keyset, kind, d);
    if (after) first = static_cast<size_t>(keyset->segment);
  }
  out.run_skip = after ? 0 : out.offset;
  for (size_t i = first; i < parts.size(); ++i) {
    const RunPart& p = parts[i];
    Frag q;
    q.Add("SELECT r.run_uuid, " + (p.kind == RunPart::kValue ? p.value_col : std::string("NULL")) + ", " + kStart +
          " FROM " + p.from)
        .Append(filter_joins);
    std::vector<Frag> where = conds;
    where.push_back(p.cond);
    if (i == first && after) where.push_back(*after);
    EmitWhere(q, where);
    q.Add(" ORDER BY " + PartOrder(p) + " LIMIT ").Bind(SqlValue{out.run_skip + out.max_results + 1});
    out.run_segments.push_back({std::move(q.sql), std::move(q.params)});
    out.run_segment_ids.push_back(static_cast<int>(i));
  }
}

}  // namespace

std::string CompiledSearch::NextRunPageToken(size_t rows, RunKeyset last) const {
  if (static_cast<int64_t>(rows) <= max_results || max_results <= 0) return "";
  const auto* d = std::get_if<double>(&last.value);
  if (run_segments.empty() || (d && !std::isfinite(*d))) return EncodeOffsetToken(offset + max_results);
  last.query_digest = run_query_digest;
  return EncodeRunPageToken(offset + max_results, last);
}

Result<CompiledSearch> CompileRunSearch(const RunSearchSpec& spec, SqlDialect d) {
  MLFLOW_RETURN_IF_ERROR(ValidateMaxResults(SearchEntity::kRuns, spec.max_results));
  MLFLOW_ASSIGN_OR_RETURN(Filter filter, ParseFilter(SearchEntity::kRuns, spec.filter));
  MLFLOW_ASSIGN_OR_RETURN(std::vector<OrderBy> order, ParseOrderByList(SearchEntity::kRuns, spec.order_by));
  MLFLOW_ASSIGN_OR_RETURN(RunPageToken token, DecodeRunPageToken(spec.page_token));
  const int64_t offset = token.offset;
  MLFLOW_ASSIGN_OR_RETURN(std::vector<int64_t> exp_ids, ExperimentIds(spec.experiment_ids));

  Frag joins;
  Frag order_sql;
  bool has_start_time = false;
  int n = 0;
  for (const OrderBy& ob : order) {
    ++n;
    const char* dir = ob.ascending ? "" : " DESC";
    std::string alias = "o" + std::to_string(n);
    if (!order_sql.sql.empty()) order_sql.Add(", ");
    if (ob.type == KeyType::kAttribute) {
      if (ob.key == "start_time") has_start_time = true;
      std::string col = RunColumn(ob.key);
      order_sql.Add("CASE WHEN " + col + " IS NULL THEN 1 ELSE 0 END, " + col + dir);
    } else {
      const char* table = ob.type == KeyType::kMetric ? "latest_metrics" : ob.type == KeyType::kParam ? "params" : "tags";
      joins.Add(std::string(" LEFT JOIN ") + table + " " + alias + " ON " + alias + ".run_uuid = r.run_uuid AND " + alias + ".key = ")
          .Bind(SqlValue{ob.key});
      if (ob.type == KeyType::kMetric) {
        // Real values, then NaN (stored as 0 with is_nan), then runs without the metric.
        order_sql.Add("CASE WHEN " + alias + ".is_nan THEN 1 WHEN " + alias + ".value IS NULL THEN 2 ELSE 0 END, " + alias +
                      ".value" + dir);
      } else {
        order_sql.Add("CASE WHEN " + alias + ".value IS NULL THEN 1 ELSE 0 END, " + alias + ".value" + dir);
      }
    }
  }
  if (!has_start_time) {
    if (!order_sql.sql.empty()) order_sql.Add(", ");
    order_sql.Add("r.start_time DESC");
  }
  order_sql.Add(", r.run_uuid");

  std::vector<Frag> conds;
  {
    Frag f;
    EmitIdIn(f, "r.experiment_id", exp_ids);
    conds.push_back(std::move(f));
  }
  conds.push_back(LifecycleIn("r.lifecycle_stage", spec.view_type));
  Frag filter_joins, part_filter_joins;
  int fn = 0;
  for (const Clause& c : filter.clauses) {
    if (IsJoinFilter(c)) {
      ++fn;
      filter_joins.Append(RunFilterJoin(c, d, fn, spec.nan_compares_as_zero, false));
      part_filter_joins.Append(RunFilterJoin(c, d, fn, spec.nan_compares_as_zero, d == SqlDialect::kSqlite));
    } else {
      conds.push_back(RunFilter(c, d));
    }
  }

  Frag q;
  q.Add("SELECT r.run_uuid FROM runs r").Append(filter_joins).Append(joins);
  EmitWhere(q, conds);
  q.Add(" ORDER BY ").Append(order_sql);
  MLFLOW_ASSIGN_OR_RETURN(CompiledSearch out, PageQuery(std::move(q), offset, spec.max_results));
  if (order.size() <= 1) {
    CompileRunParts(spec, order, part_filter_joins, conds, token.keyset, d, out);
    for (const SqlQuery& part : out.run_segments) {
      if (part.params.size() > kMaxBoundValues) {
        return Invalid("Search filter is too large: it needs " + std::to_string(part.params.size()) +
                       " values, at most " + std::to_string(kMaxBoundValues) + " are supported.");
      }
    }
  }
  return out;
}

Result<CompiledSearch> CompileExperimentSearch(const ExperimentSearchSpec& spec, SqlDialect d) {
  MLFLOW_RETURN_IF_ERROR(ValidateMaxResults(SearchEntity::kExperiments, spec.max_results));
  MLFLOW_ASSIGN_OR_RETURN(Filter filter, ParseFilter(SearchEntity::kExperiments, spec.filter));
  std::vector<std::string> order_list = spec.order_by;
  if (order_list.empty()) order_list = {"creation_time DESC", "experiment_id ASC"};
  MLFLOW_ASSIGN_OR_RETURN(std::vector<OrderBy> order, ParseOrderByList(SearchEntity::kExperiments, order_list));
  MLFLOW_ASSIGN_OR_RETURN(int64_t offset, DecodeOffsetToken(spec.page_token));

  std::vector<Frag> conds;
  conds.push_back(LifecycleIn("e.lifecycle_stage", spec.view_type));
  for (const Clause& c : filter.clauses) {
    Frag f;
    if (c.type == KeyType::kTag && (c.comparator == Comparator::kIsNull || c.comparator == Comparator::kIsNotNull)) {
      f.Add(c.comparator == Comparator::kIsNull ? "e.experiment_id NOT IN (" : "e.experiment_id IN (");
      f.Add("SELECT t.experiment_id FROM experiment_tags t WHERE t.key = ").Bind(SqlValue{c.key}).Add(")");
    } else if (c.type == KeyType::kTag) {
      f.Add("e.experiment_id IN (SELECT t.experiment_id FROM experiment_tags t WHERE t.key = ").Bind(SqlValue{c.key}).Add(" AND ");
      EmitCompare(f, "t.value", c, d);
      f.Add(")");
    } else if (c.key == "experiment_id") {
      // The parser canonicalised the ids; bind them as integers (the column is INTEGER).
      std::vector<int64_t> ids;
      if (const auto* list = std::get_if<std::vector<std::string>>(&c.value)) {
        for (const std::string& id : *list) ids.push_back(std::stoll(id));
      } else {
        ids.push_back(std::stoll(std::get<std::string>(c.value)));
      }
      if (c.comparator == Comparator::kEq || c.comparator == Comparator::kIn) {
        EmitIdIn(f, "e.experiment_id", ids);
      } else if (ids.empty()) {
        f.Add("1 = 1");
      } else {
        f.Add("e.experiment_id NOT IN (");
        for (size_t i = 0; i < ids.size(); ++i) {
          if (i) f.Add(", ");
          f.Bind(SqlValue{ids[i]});
        }
        f.Add(")");
      }
    } else {
      EmitCompare(f, "e." + c.key, c, d);
    }
    conds.push_back(std::move(f));
  }
  Frag q;
  q.Add("SELECT e.experiment_id FROM experiments e");
  EmitWhere(q, conds);
  q.Add(" ORDER BY ");
  bool has_id = false;
  for (size_t i = 0; i < order.size(); ++i) {
    if (i) q.Add(", ");
    if (order[i].key == "experiment_id") has_id = true;
    q.Add("e." + order[i].key + (order[i].ascending ? " ASC" : " DESC"));
  }
  if (!has_id) q.Add(", e.experiment_id DESC");
  return PageQuery(std::move(q), offset, spec.max_results);
}

namespace {

// MLflow's _is_querying_prompt: decided by the first clause on the prompt tag.
bool IsQueryingPrompt(const Filter& f) {
  for (const Clause& c : f.clauses) {
    if (c.type != KeyType::kTag || c.key != kPromptTag) continue;
    const auto* s = std::get_if<std::string>(&c.value);
    std::string v = s ? *s : "";
    for (char& ch : v) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    return (c.comparator == Comparator::kEq && v == "true") || (c.comparator == Comparator::kNe && v == "false");
  }
  return false;
}

// Tag clauses grouped by key (all clauses on one key apply to that key's value), in first-seen
// order. The prompt tag is dropped unless prompts are queried.
std::vector<std::pair<std::string, std::vector<const Clause*>>> TagGroups(const Filter& f, bool querying_prompt) {
  std::vector<std::pair<std::string, std::vector<const Clause*>>> groups;
  for (const Clause& c : f.clauses) {
    if (c.type != KeyType::kTag) continue;
    if (!querying_prompt && c.key == kPromptTag) continue;
    auto it = std::find_if(groups.begin(), groups.end(), [&](const auto& g) { return g.first == c.key; });
    if (it == groups.end()) {
      groups.push_back({c.key, {&c}});
    } else {
      it->second.push_back(&c);
    }
  }
  return groups;
}

// One condition per tagged key: `head` (a subquery on the tag table, alias t, ending in
// "t.key = ") then the key, every clause on that key's value, and ")".
void EmitTagGroups(std::vector<Frag>& conds, const Filter& filter, bool querying_prompt, std::string_view head,
                   SqlDialect d) {
  for (const auto& [key, clauses] : TagGroups(filter, querying_prompt)) {
    Frag f;
    f.Add(head).Bind(SqlValue{key});
    for (const Clause* c : clauses) {
      f.Add(" AND ");
      EmitCompare(f, "t.value", *c, d);
    }
    f.Add(")");
    conds.push_back(std::move(f));
  }
}

// Prompts are hidden unless the filter asks for them: "<name_column> NOT IN" the names carrying
// the prompt tag in `tag_table`.
Frag PromptExclusion(std::string_view name_column, std::string_view tag_table) {
  Frag f;
  f.Add(std::string(name_column) + " NOT IN (SELECT t.name FROM " + std::string(tag_table) + " t WHERE t.key = ")
      .Bind(SqlValue{std::string(kPromptTag)});
  f.Add(" AND t.value = ").Bind(SqlValue{std::string("true")}).Add(")");
  return f;
}

}  // namespace

Result<CompiledSearch> CompileRegisteredModelSearch(const RegisteredModelSearchSpec& spec, SqlDialect d) {
  MLFLOW_RETURN_IF_ERROR(ValidateMaxResults(SearchEntity::kRegisteredModels, spec.max_results));
  MLFLOW_ASSIGN_OR_RETURN(Filter filter, ParseFilter(SearchEntity::kRegisteredModels, spec.filter));
  MLFLOW_ASSIGN_OR_RETURN(std::vector<OrderBy> order, ParseOrderByList(SearchEntity::kRegisteredModels, spec.order_by));
  MLFLOW_ASSIGN_OR_RETURN(int64_t offset, DecodeOffsetToken(spec.page_token));

  std::vector<Frag> conds;
  for (const Clause& c : filter.clauses) {
    if (c.type != KeyType::kAttribute) continue;
    Frag f;
    EmitCompare(f, "rm.name", c, d);
    conds.push_back(std::move(f));
  }
  const bool prompts = IsQueryingPrompt(filter);
  EmitTagGroups(conds, filter, prompts, "rm.name IN (SELECT t.name FROM registered_model_tags t WHERE t.key = ", d);
  if (!prompts) conds.push_back(PromptExclusion("rm.name", "registered_model_tags"));
  Frag q;
  q.Add("SELECT rm.name FROM registered_models rm");
  EmitWhere(q, conds);
  q.Add(" ORDER BY ");
  bool has_name = false;
  for (size_t i = 0; i < order.size(); ++i) {
    if (i) q.Add(", ");
    const bool is_name = order[i].key == "name";
    has_name = has_name || is_name;
    q.Add(std::string(is_name ? "rm.name" : "rm.last_updated_time") + (order[i].ascending ? " ASC" : " DESC"));
  }
  if (!has_name) q.Add(order.empty() ? "rm.name ASC" : ", rm.name ASC");
  return PageQuery(std::move(q), offset, spec.max_results);
}

Result<CompiledSearch> CompileModelVersionSearch(const ModelVersionSearchSpec& spec, SqlDialect d) {
  MLFLOW_RETURN_IF_ERROR(ValidateMaxResults(SearchEntity::kModelVersions, spec.max_results));
  MLFLOW_ASSIGN_OR_RETURN(Filter filter, ParseFilter(SearchEntity::kModelVersions, spec.filter));
  std::vector<std::string> order_list = spec.order_by;
  if (order_list.empty()) order_list = {"last_updated_timestamp DESC", "name ASC", "version_number DESC"};
  MLFLOW_ASSIGN_OR_RETURN(std::vector<OrderBy> order, ParseOrderByList(SearchEntity::kModelVersions, order_list));
  MLFLOW_ASSIGN_OR_RETURN(int64_t offset, DecodeOffsetToken(spec.page_token));

  std::vector<Frag> conds;
  {
    Frag f;
    f.Add("mv.current_stage != ").Bind(SqlValue{std::string("Deleted_Internal")});
    conds.push_back(std::move(f));
  }
  for (const Clause& c : filter.clauses) {
    if (c.type != KeyType::kAttribute) continue;
    Frag f;
    std::string col = c.key == "source_path" ? "mv.source" : c.key == "version_number" ? "mv.version" : "mv." + c.key;
    EmitCompare(f, col, c, d);
    conds.push_back(std::move(f));
  }
  const bool prompts = IsQueryingPrompt(filter);
  EmitTagGroups(conds, filter, prompts,
                "EXISTS (SELECT 1 FROM model_version_tags t WHERE t.name = mv.name AND t.version = mv.version AND "
                "t.key = ",
                d);
  // As in the reference: a prompt tag on any version hides every version of that name.
  if (!prompts) conds.push_back(PromptExclusion("mv.name", "model_version_tags"));
  Frag q;
  q.Add("SELECT mv.name, mv.version FROM model_versions mv");
  EmitWhere(q, conds);
  q.Add(" ORDER BY ");
  bool has_name = false, has_version = false;
  for (size_t i = 0; i < order.size(); ++i) {
    if (i) q.Add(", ");
    const std::string& k = order[i].key;
    std::string col = k == "name"                 ? "mv.name"
                      : k == "version_number"     ? "mv.version"
                      : k == "creation_timestamp" ? "mv.creation_time"
                                                  : "mv.last_updated_time";
    has_name = has_name || k == "name";
    has_version = has_version || k == "version_number";
    q.Add(col + (order[i].ascending ? " ASC" : " DESC"));
  }
  if (!has_name) q.Add(", mv.name ASC");
  if (!has_version) q.Add(", mv.version DESC");
  return PageQuery(std::move(q), offset, spec.max_results);
}

namespace {

std::string LoggedModelColumn(const std::string& key, SqlDialect d) {
  if (key == "creation_time" || key == "creation_timestamp" || key == "creation_timestamp_ms") return "lm.creation_timestamp_ms";
  if (key == "last_updated_timestamp" || key == "last_updated_timestamp_ms") return "lm.last_updated_timestamp_ms";
  // Integer columns compared with text in the reference: compare their text form.
  if (key == "status" || key == "experiment_id") {
    return "CAST(lm." + key + (d == SqlDialect::kMysql ? " AS CHAR)" : " AS TEXT)");  // MySQL casts to CHAR
  }
  return "lm." + key;
}

void EmitDatasetConds(Frag& f, const std::vector<LoggedModelDatasetFilter>& datasets) {
  f.Add("(");
  for (size_t i = 0; i < datasets.size(); ++i) {
    if (i) f.Add(" OR ");
    f.Add("(m.dataset_name = ").Bind(SqlValue{datasets[i].dataset_name});
    if (datasets[i].dataset_digest) f.Add(" AND m.dataset_digest = ").Bind(SqlValue{*datasets[i].dataset_digest});
    f.Add(")");
  }
  f.Add(")");
}

}  // namespace

Result<CompiledSearch> CompileLoggedModelSearch(const LoggedModelSearchSpec& spec, SqlDialect d) {
  MLFLOW_RETURN_IF_ERROR(ValidateMaxResults(SearchEntity::kLoggedModels, spec.max_results));
  for (const auto& ds : spec.datasets) {
    if (ds.dataset_name.empty()) return Invalid("`dataset_name` in the `datasets` clause must be specified.");
  }
  for (const auto& ob : spec.order_by) MLFLOW_RETURN_IF_ERROR(ValidateLoggedModelOrderBy(ob));
  int64_t offset = 0;
  std::optional<std::string> filter_opt = spec.filter.empty() ? std::nullopt : std::optional<std::string>(spec.filter);
  if (!spec.page_token.empty()) {
    MLFLOW_ASSIGN_OR_RETURN(LoggedModelPageToken tok, DecodeLoggedModelToken(spec.page_token));
    MLFLOW_RETURN_IF_ERROR(ValidateLoggedModelToken(tok, spec.experiment_ids, filter_opt, spec.order_by));
    offset = tok.offset;
  }
  MLFLOW_ASSIGN_OR_RETURN(Filter filter, ParseFilter(SearchEntity::kLoggedModels, spec.filter));
  MLFLOW_ASSIGN_OR_RETURN(std::vector<int64_t> exp_ids, ExperimentIds(spec.experiment_ids));
  const int64_t max_results = spec.max_results > 0 ? spec.max_results : kLoggedModelsMaxResultsDefault;

  std::vector<Frag> conds;
  {
    Frag f;
    f.Add("lm.lifecycle_stage != ").Bind(SqlValue{std::string(kLifecycleDeleted)});
    conds.push_back(std::move(f));
  }
  {
    Frag f;
    EmitIdIn(f, "lm.experiment_id", exp_ids);
    conds.push_back(std::move(f));
  }
  bool has_metric = false;
  for (const Clause& c : filter.clauses) {
    Frag f;
    switch (c.type) {
      case KeyType::kAttribute:
        EmitCompare(f, LoggedModelColumn(c.key, d), c, d);
        break;
      case KeyType::kMetric:
        // Any metric row of the model with that key (not only the latest) may satisfy it.
        has_metric = true;
        f.Add("lm.model_id IN (SELECT m.model_id FROM logged_model_metrics m WHERE m.metric_name = ").Bind(SqlValue{c.key}).Add(" AND ");
        EmitCompare(f, "m.metric_value", c, d, /*as_double=*/true);
        if (!spec.datasets.empty()) {
          f.Add(" AND ");
          EmitDatasetConds(f, spec.datasets);
        }
        f.Add(")");
        break;
      case KeyType::kParam:
        f.Add("lm.model_id IN (SELECT p.model_id FROM logged_model_params p WHERE p.param_key = ").Bind(SqlValue{c.key}).Add(" AND ");
        EmitCompare(f, "p.param_value", c, d);
        f.Add(")");
        break;
      case KeyType::kTag:
        f.Add("lm.model_id IN (SELECT t.model_id FROM logged_model_tags t WHERE t.tag_key = ").Bind(SqlValue{c.key}).Add(" AND ");
        EmitCompare(f, "t.tag_value", c, d);
        f.Add(")");
        break;
      case KeyType::kDataset:
        break;
    }
    conds.push_back(std::move(f));
  }
  if (!spec.datasets.empty() && !has_metric) {
    Frag f;
    f.Add("lm.model_id IN (SELECT m.model_id FROM logged_model_metrics m WHERE ");
    EmitDatasetConds(f, spec.datasets);
    f.Add(")");
    conds.push_back(std::move(f));
  }

  Frag order_sql;
  bool has_creation = false;
  bool has_model_id = false;
  for (const LoggedModelOrderBy& ob : spec.order_by) {
    const char* dir = ob.ascending ? " ASC" : " DESC";
    if (!order_sql.sql.empty()) order_sql.Add(", ");
    size_t dot = ob.field_name.find('.');
    if (dot == std::string::npos) {
      std::string col = LoggedModelColumn(ob.field_name, d);
      if (col == "lm.creation_timestamp_ms") has_creation = true;
      if (col == "lm.model_id") has_model_id = true;
      order_sql.Add("CASE WHEN " + col + " IS NULL THEN 1 ELSE 0 END, " + col + dir);
      continue;
    }
    // The model's latest value of the metric (latest timestamp, then step), optionally on one dataset.
    auto latest = [&](Frag& f) {
      f.Add("(SELECT m.metric_value FROM logged_model_metrics m WHERE m.model_id = lm.model_id AND m.metric_name = ")
          .Bind(SqlValue{ob.field_name.substr(dot + 1)});
      if (ob.dataset_name && !ob.dataset_name->empty()) f.Add(" AND m.dataset_name = ").Bind(SqlValue{*ob.dataset_name});
      if (ob.dataset_digest && !ob.dataset_digest->empty()) f.Add(" AND m.dataset_digest = ").Bind(SqlValue{*ob.dataset_digest});
      f.Add(" ORDER BY m.metric_timestamp_ms DESC, m.metric_step DESC, m.run_id ASC LIMIT 1)");
    };
    order_sql.Add("CASE WHEN ");
    latest(order_sql);
    order_sql.Add(" IS NULL THEN 1 ELSE 0 END, ");
    latest(order_sql);
    order_sql.Add(dir);
  }
  if (!has_creation) {
    if (!order_sql.sql.empty()) order_sql.Add(", ");
    order_sql.Add("lm.creation_timestamp_ms DESC");
  }
  if (!has_model_id) order_sql.Add(", lm.model_id ASC");  // MLflow 3.17 tie-break

  Frag q;
  q.Add("SELECT lm.model_id FROM logged_models lm");
  EmitWhere(q, conds);
  q.Add(" ORDER BY ").Append(order_sql);
  MLFLOW_ASSIGN_OR_RETURN(CompiledSearch out, PageQuery(std::move(q), offset, max_results));
  LoggedModelPageToken base;
  base.experiment_ids = spec.experiment_ids;
  base.filter_string = filter_opt;
  base.order_by = spec.order_by;
  out.logged_model_token = std::move(base);
  return out;
}

}  // namespace mlflow::search
