#include "tracing/trace_metrics.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <ctime>
#include <map>
#include <set>

#include "core/py_text.h"
#include "search/internal/lexer.h"

namespace mlflow::tracing {
namespace {

using K = AggregationKind;

// One metric of a view: the aggregations and dimensions MLflow allows with it
// (TRACES_METRICS_CONFIGS, SPANS_METRICS_CONFIGS, ASSESSMENTS_METRICS_CONFIGS, in their order).
struct MetricConfig {
  const char* name;
  std::vector<AggregationKind> aggregations;
  std::vector<const char*> dimensions;
};

const std::vector<MetricConfig>& Configs(MetricView v) {
  static const std::vector<AggregationKind> kNumeric{K::kSum, K::kAvg, K::kMin, K::kMax, K::kPercentile};
  static const std::vector<AggregationKind> kSpread{K::kAvg, K::kMin, K::kMax, K::kPercentile};
  static const std::vector<MetricConfig> kTraces{
      {"trace_count", {K::kCount}, {"trace_name", "trace_status"}},
      {"session_count", {K::kCount}, {}},
      {"latency", kSpread, {"trace_name"}},
      {"input_tokens", kNumeric, {"trace_name"}},
      {"output_tokens", kNumeric, {"trace_name"}},
      {"total_tokens", kNumeric, {"trace_name"}},
      {"cache_read_input_tokens", kNumeric, {"trace_name"}},
      {"cache_creation_input_tokens", kNumeric, {"trace_name"}},
  };
  static const std::vector<MetricConfig> kSpans{
      {"span_count",
       {K::kCount},
       {"span_name", "span_type", "span_status", "span_model_name", "span_model_provider"}},
      {"latency", kSpread, {"span_name", "span_status"}},
      {"input_cost", kNumeric, {"span_model_name", "span_model_provider"}},
      {"output_cost", kNumeric, {"span_model_name", "span_model_provider"}},
      {"total_cost", kNumeric, {"span_model_name", "span_model_provider"}},
  };
  static const std::vector<MetricConfig> kAssessments{
      {"assessment_count", {K::kCount}, {"assessment_name", "assessment_value"}},
      {"assessment_value", kSpread, {"assessment_name"}},
  };
  switch (v) {
    case MetricView::kTraces:
      return kTraces;
    case MetricView::kSpans:
      return kSpans;
    case MetricView::kAssessments:
      break;
  }
  return kAssessments;
}

// Python's repr of a list of str: ['a', 'b'].
std::string PyListRepr(const std::vector<std::string>& items) {
  std::string out = "[";
  for (size_t i = 0; i < items.size(); ++i) {
    if (i) out += ", ";
    out += PyStrRepr(items[i]);
  }
  return out + "]";
}

bool IsQuoted(std::string_view s, char q) { return s.size() >= 2 && s.front() == q && s.back() == q; }
std::string TrimBackticks(std::string_view s) {
  if (IsQuoted(s, '`')) return std::string(s.substr(1, s.size() - 2));
  return std::string(s);
}
std::string StripQuotes(std::string_view s) {
  if (IsQuoted(s, '\'') || IsQuoted(s, '"')) return std::string(s.substr(1, s.size() - 2));
  return std::string(s);
}

// SearchTraceMetricsUtils' entities per view: whether each needs a key.
const std::vector<std::pair<std::string, bool>>* EntitiesOf(const std::string& view) {
  static const std::vector<std::pair<std::string, bool>> kTrace{{"status", false}, {"tag", true}, {"metadata", true}};
  static const std::vector<std::pair<std::string, bool>> kSpan{{"name", false}, {"status", false}, {"type", false}};
  static const std::vector<std::pair<std::string, bool>> kAssessment{{"name", false}, {"type", false}};
  if (view == "trace") return &kTrace;
  if (view == "span") return &kSpan;
  if (view == "assessment") return &kAssessment;
  return nullptr;
}

Status Invalid(std::string message) { return Status::InvalidParameter(std::move(message)); }

Result<MetricFilter> ParseIdentifier(const std::string& identifier) {
  const std::string error = "Invalid identifier " + PyStrRepr(identifier) +
                            ". Columns should be specified as 'trace.<key>', 'span.<key>', 'assessment.<key>'.";
  // identifier.split(".", 2)
  std::vector<std::string> parts;
  size_t from = 0;
  while (parts.size() < 2) {
    size_t dot = identifier.find('.', from);
    if (dot == std::string::npos) break;
    parts.push_back(identifier.substr(from, dot - from));
    from = dot + 1;
  }
  parts.push_back(identifier.substr(from));
  if (parts.size() < 2) return Invalid(error);
  MetricFilter f;
  f.view = TrimBackticks(parts[0]);
  f.entity = parts[1];
  const auto* entities = EntitiesOf(f.view);
  if (!entities) {
    return Invalid("Invalid view type '" + f.view + "'. Valid values are dict_keys(['trace', 'span', 'assessment'])");
  }
  const std::pair<std::string, bool>* entity = nullptr;
  std::vector<std::string> names;
  for (const auto& e : *entities) {
    names.push_back(e.first);
    if (e.first == f.entity) entity = &e;
  }
  if (!entity) {
    return Invalid("Invalid entity '" + f.entity + "' specified for view type '" + f.view + "'. Valid entities are " +
                   PyListRepr(names));
  }
  bool has_key = parts.size() == 3;
  if (entity->second && !has_key) {
    return Invalid("Filtering by " + f.entity + " requires a key, e.g. '" + f.view + "." + f.entity +
                   ".<key> = <value>'");
  }
  if (!entity->second && has_key) {
    return Invalid("Filtering by " + f.entity + " does not require a key, use '" + f.view + "." + f.entity +
                   "' instead");
  }
  if (has_key && !parts[2].empty()) f.key = TrimBackticks(StripQuotes(parts[2]));
  if (entity->second && !f.key) {
    return Invalid("Filtering by " + f.entity + " requires a key, e.g. '" + f.view + "." + f.entity +
                   ".<key> = <value>'");
  }
  return f;
}

std::string IsoTime(int64_t seconds) {
  std::time_t t = static_cast<std::time_t>(seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[40];
  std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S+00:00", &tm);
  return buf;
}

// SQLite's percentile aggregate as MLflow registers it (and PostgreSQL's percentile_cont): linear
// interpolation between the sorted values at percentile / 100 * (n - 1).
double Percentile(std::vector<double>& values, double percentile) {
  std::sort(values.begin(), values.end());
  double index = percentile / 100.0 * static_cast<double>(values.size() - 1);
  size_t lower = static_cast<size_t>(index);
  size_t upper = std::min(lower + 1, values.size() - 1);
  double fraction = index - static_cast<double>(lower);
  return values[lower] + fraction * (values[upper] - values[lower]);
}

struct Group {
  std::vector<double> values;
  std::set<std::string> distinct;
};

}  // namespace

const char* MetricViewName(MetricView v) {
  switch (v) {
    case MetricView::kTraces:
      return "TRACES";
    case MetricView::kSpans:
      return "SPANS";
    case MetricView::kAssessments:
      break;
  }
  return "ASSESSMENTS";
}

const char* AggregationName(AggregationKind k) {
  switch (k) {
    case K::kCount:
      return "COUNT";
    case K::kSum:
      return "SUM";
    case K::kAvg:
      return "AVG";
    case K::kPercentile:
      return "PERCENTILE";
    case K::kMin:
      return "MIN";
    case K::kMax:
      break;
  }
  return "MAX";
}

std::optional<MetricView> MetricViewFromName(std::string_view name) {
  for (MetricView v : {MetricView::kTraces, MetricView::kSpans, MetricView::kAssessments}) {
    if (name == MetricViewName(v)) return v;
  }
  return std::nullopt;
}

std::optional<AggregationKind> AggregationFromName(std::string_view name) {
  for (K k : {K::kCount, K::kSum, K::kAvg, K::kPercentile, K::kMin, K::kMax}) {
    if (name == AggregationName(k)) return k;
  }
  return std::nullopt;
}

std::string MetricAggregation::Label() const {
  if (kind == K::kPercentile) return "P" + PyFloatRepr(percentile.value_or(0));
  return AggregationName(kind);
}

Result<MetricFilter> ParseMetricFilter(std::string_view filter) {
  search::internal::LexResult lex = search::internal::Lex(filter);
  using search::internal::ItemKind;
  const auto& items = lex.items;
  // sqlparse groups `<identifier> <operator> <operand>` into one comparison; whatever is left
  // over is an invalid clause.
  std::vector<std::array<const search::internal::Item*, 3>> comparisons;
  std::vector<std::string> invalid;
  for (size_t i = 0; i < items.size();) {
    if (i + 2 < items.size() && items[i].kind == ItemKind::kIdent && items[i + 1].kind == ItemKind::kOp &&
        (items[i + 2].kind == ItemKind::kIdent || items[i + 2].kind == ItemKind::kString ||
         items[i + 2].kind == ItemKind::kNumber)) {
      comparisons.push_back({&items[i], &items[i + 1], &items[i + 2]});
      i += 3;
    } else {
      invalid.push_back(items[i].text);
      ++i;
    }
  }
  if (!invalid.empty()) {
    std::string joined;
    for (size_t i = 0; i < invalid.size(); ++i) joined += (i ? ", " : "") + invalid[i];
    return Invalid("Invalid clause(s) in filter string: " + joined);
  }
  if (comparisons.size() != 1 || lex.multiple_statements) {
    return Invalid("Invalid filter: '" + std::string(filter) + "'. Expected one filter clause.");
  }
  const auto& c = comparisons.front();
  MLFLOW_ASSIGN_OR_RETURN(MetricFilter f, ParseIdentifier(c[0]->text));
  if (c[1]->text != "=") return Invalid("Invalid comparator: '" + c[1]->text + "', only '=' operator is supported");
  const std::string& v = c[2]->text;
  if (c[2]->kind == ItemKind::kNumber) {
    return Invalid("Expected a quoted string value for " + f.entity + " value (e.g. 'my-value'). Got value " + v);
  }
  if (!IsQuoted(v, '\'') && !IsQuoted(v, '"')) {
    return Invalid("Parameter value is either not quoted or unidentified quote types used for string value " + v +
                   ". Use either single or double quotes.");
  }
  f.value = StripQuotes(v);
  return f;
}

Status ValidateTraceMetricsQuery(const TraceMetricsQuery& q) {
  const std::vector<MetricConfig>& configs = Configs(q.view);
  const MetricConfig* config = nullptr;
  std::vector<std::string> names;
  for (const MetricConfig& c : configs) {
    names.push_back(c.name);
    if (q.metric_name == c.name) config = &c;
  }
  if (!config) return Invalid("metric_name must be one of " + PyListRepr(names) + ", got '" + q.metric_name + "'");

  std::set<std::string> bad_aggs;
  for (const MetricAggregation& a : q.aggregations) {
    if (std::find(config->aggregations.begin(), config->aggregations.end(), a.kind) == config->aggregations.end()) {
      bad_aggs.insert(AggregationName(a.kind));
    }
  }
  if (!bad_aggs.empty()) {
    std::set<std::string> supported;
    for (K k : config->aggregations) supported.insert(AggregationName(k));
    return Invalid("Found invalid aggregation_type(s): " + PyListRepr({bad_aggs.begin(), bad_aggs.end()}) +
                   ". Supported aggregation types: " + PyListRepr({supported.begin(), supported.end()}));
  }
  std::set<std::string> bad_dims;
  for (const std::string& d : q.dimensions) {
    bool ok = false;
    for (const char* allowed : config->dimensions) ok = ok || d == allowed;
    if (!ok) bad_dims.insert(d);
  }
  if (!bad_dims.empty()) {
    std::set<std::string> supported(config->dimensions.begin(), config->dimensions.end());
    return Invalid("Found invalid dimension(s): " + PyListRepr({bad_dims.begin(), bad_dims.end()}) +
                   ". Supported dimensions: " + PyListRepr({supported.begin(), supported.end()}));
  }
  if (q.time_interval_seconds.value_or(0) != 0 && (!q.start_time_ms || !q.end_time_ms)) {
    return Invalid("start_time_ms and end_time_ms are required if time_interval_seconds is set");
  }
  return Status();
}

int64_t TimeBucketStart(int64_t timestamp_ms, int64_t interval_seconds) {
  int64_t size = interval_seconds * 1000;
  return timestamp_ms / size * size;
}

std::string TimeBucketIso(int64_t bucket_ms) {
  // Buckets are whole seconds (the interval is in seconds), so no fraction is ever printed.
  int64_t seconds = bucket_ms / 1000;
  if (bucket_ms % 1000 != 0 && bucket_ms < 0) --seconds;
  return IsoTime(seconds);
}

std::vector<MetricDataPoint> AggregateMetricSamples(const TraceMetricsQuery& q, std::vector<MetricSample> samples) {
  const bool bucketed = q.time_interval_seconds.value_or(0) != 0;
  const bool session_count = q.view == MetricView::kTraces && q.metric_name == "session_count";
  // Key: (bucket, dimension values); std::map orders as the SQL's ORDER BY does.
  std::map<std::pair<int64_t, std::vector<std::string>>, Group> groups;
  for (MetricSample& s : samples) {
    if (session_count ? !s.distinct.has_value() : !s.value.has_value()) continue;
    if (bucketed && !s.bucket_ms) continue;
    std::vector<std::string> dims;
    bool complete = true;
    for (auto& d : s.dimensions) {
      if (!d) {
        complete = false;
        break;
      }
      dims.push_back(std::move(*d));
    }
    if (!complete) continue;
    Group& g = groups[{bucketed ? *s.bucket_ms : 0, std::move(dims)}];
    if (session_count) {
      g.distinct.insert(std::move(*s.distinct));
    } else {
      g.values.push_back(*s.value);
    }
  }
  // An aggregate without GROUP BY answers one row, even over no rows.
  if (!bucketed && q.dimensions.empty() && groups.empty()) groups[{0, {}}];

  std::vector<MetricDataPoint> out;
  int64_t rows = 0;
  for (auto& [key, g] : groups) {
    if (rows++ >= q.max_results) break;
    MetricDataPoint p;
    p.metric_name = q.metric_name;
    if (bucketed) p.dimensions.emplace_back(kTimeBucketDimension, TimeBucketIso(key.first));
    for (size_t i = 0; i < q.dimensions.size() && i < key.second.size(); ++i) {
      p.dimensions.emplace_back(q.dimensions[i], key.second[i]);
    }
    std::vector<double>& v = g.values;
    for (const MetricAggregation& a : q.aggregations) {
      std::optional<double> value;
      switch (a.kind) {
        case K::kCount:
          value = static_cast<double>(session_count ? g.distinct.size() : v.size());
          break;
        case K::kSum:
          if (!v.empty()) {
            double sum = 0;
            for (double x : v) sum += x;
            value = sum;
          }
          break;
        case K::kAvg:
          if (!v.empty()) {
            double sum = 0;
            for (double x : v) sum += x;
            value = sum / static_cast<double>(v.size());
          }
          break;
        case K::kMin:
          if (!v.empty()) value = *std::min_element(v.begin(), v.end());
          break;
        case K::kMax:
          if (!v.empty()) value = *std::max_element(v.begin(), v.end());
          break;
        case K::kPercentile:
          if (!v.empty()) value = Percentile(v, a.percentile.value_or(0));
          break;
      }
      if (!value) continue;
      std::string label = a.Label();
      // Aggregations with the same label land on one key, the later one winning (a dict).
      auto same = std::find_if(p.values.begin(), p.values.end(), [&](const auto& kv) { return kv.first == label; });
      if (same != p.values.end()) {
        same->second = *value;
      } else {
        p.values.emplace_back(std::move(label), *value);
      }
    }
    if (p.values.empty()) continue;
    out.push_back(std::move(p));
  }
  return out;
}

}  // namespace mlflow::tracing
