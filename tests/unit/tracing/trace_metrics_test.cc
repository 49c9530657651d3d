// Trace analytics without a database: MLflow's checks of a QueryTraceMetrics request, the
// one-clause filter grammar, and the grouping / aggregation of samples (SQL's semantics: null
// values and dimensions left out, one row for an ungrouped aggregate over nothing).
#include "tracing/trace_metrics.h"

#include <gtest/gtest.h>

namespace mlflow::tracing {
namespace {

TraceMetricsQuery Query(MetricView view, std::string metric, std::vector<MetricAggregation> aggs) {
  TraceMetricsQuery q;
  q.experiment_ids = {"1"};
  q.view = view;
  q.metric_name = std::move(metric);
  q.aggregations = std::move(aggs);
  return q;
}

MetricAggregation Agg(AggregationKind k, std::optional<double> p = std::nullopt) { return {k, p}; }

MetricSample Sample(std::optional<double> v, std::vector<std::optional<std::string>> dims = {},
                    std::optional<int64_t> bucket = std::nullopt) {
  MetricSample s;
  s.value = v;
  s.dimensions = std::move(dims);
  s.bucket_ms = bucket;
  return s;
}

TEST(TraceMetrics, ValidatesMetricAggregationsAndDimensions) {
  auto q = Query(MetricView::kTraces, "bogus", {Agg(AggregationKind::kCount)});
  EXPECT_EQ(ValidateTraceMetricsQuery(q).message(),
            "metric_name must be one of ['trace_count', 'session_count', 'latency', 'input_tokens', 'output_tokens', "
            "'total_tokens', 'cache_read_input_tokens', 'cache_creation_input_tokens'], got 'bogus'");
  q = Query(MetricView::kTraces, "trace_count", {Agg(AggregationKind::kSum), Agg(AggregationKind::kAvg)});
  EXPECT_EQ(ValidateTraceMetricsQuery(q).message(),
            "Found invalid aggregation_type(s): ['AVG', 'SUM']. Supported aggregation types: ['COUNT']");
  q = Query(MetricView::kSpans, "latency", {Agg(AggregationKind::kAvg)});
  q.dimensions = {"span_type", "span_name"};
  EXPECT_EQ(ValidateTraceMetricsQuery(q).message(),
            "Found invalid dimension(s): ['span_type']. Supported dimensions: ['span_name', 'span_status']");
  q.dimensions = {"span_status"};
  EXPECT_TRUE(ValidateTraceMetricsQuery(q).ok());
  q.time_interval_seconds = 60;
  EXPECT_EQ(ValidateTraceMetricsQuery(q).message(),
            "start_time_ms and end_time_ms are required if time_interval_seconds is set");
  q.start_time_ms = 0;
  q.end_time_ms = 1;
  EXPECT_TRUE(ValidateTraceMetricsQuery(q).ok());
  q = Query(MetricView::kAssessments, "span_count", {Agg(AggregationKind::kCount)});
  EXPECT_EQ(ValidateTraceMetricsQuery(q).code(), ErrorCode::kInvalidParameterValue);
}

TEST(TraceMetrics, PercentileLabelIsPythonsFloat) {
  EXPECT_EQ(Agg(AggregationKind::kPercentile, 50).Label(), "P50.0");
  EXPECT_EQ(Agg(AggregationKind::kPercentile, 99.9).Label(), "P99.9");
  EXPECT_EQ(Agg(AggregationKind::kAvg).Label(), "AVG");
}

TEST(TraceMetrics, ParsesOneClauseFilters) {
  auto f = ParseMetricFilter("span.type = \"LLM\"");
  ASSERT_TRUE(f.ok()) << f.status().message();
  EXPECT_EQ(f->view, "span");
  EXPECT_EQ(f->entity, "type");
  EXPECT_FALSE(f->key);
  EXPECT_EQ(f->value, "LLM");
  f = ParseMetricFilter("trace.tag.`my.key` = 'v 1'");
  ASSERT_TRUE(f.ok()) << f.status().message();
  EXPECT_EQ(*f->key, "my.key");
  EXPECT_EQ(f->value, "v 1");
  f = ParseMetricFilter("trace.metadata.mlflow.trace.session = 's'");
  ASSERT_TRUE(f.ok()) << f.status().message();
  EXPECT_EQ(*f->key, "mlflow.trace.session");

  EXPECT_EQ(ParseMetricFilter("run.status = 'OK'").status().message(),
            "Invalid view type 'run'. Valid values are dict_keys(['trace', 'span', 'assessment'])");
  EXPECT_EQ(ParseMetricFilter("trace.name = 'x'").status().message(),
            "Invalid entity 'name' specified for view type 'trace'. Valid entities are ['status', 'tag', 'metadata']");
  EXPECT_EQ(ParseMetricFilter("trace.tag = 'x'").status().message(),
            "Filtering by tag requires a key, e.g. 'trace.tag.<key> = <value>'");
  EXPECT_EQ(ParseMetricFilter("span.name.k = 'x'").status().message(),
            "Filtering by name does not require a key, use 'span.name' instead");
  EXPECT_EQ(ParseMetricFilter("span.name != 'x'").status().message(),
            "Invalid comparator: '!=', only '=' operator is supported");
  EXPECT_EQ(ParseMetricFilter("span.name = 'a' AND span.type = 'b'").status().message(),
            "Invalid clause(s) in filter string: AND");
  EXPECT_EQ(ParseMetricFilter("").status().message(), "Invalid filter: ''. Expected one filter clause.");
  EXPECT_EQ(ParseMetricFilter("status = 'x'").status().message(),
            "Invalid identifier 'status'. Columns should be specified as 'trace.<key>', 'span.<key>', "
            "'assessment.<key>'.");
  // Filter text is data: SQL inside the quoted value stays in the value (the store binds it).
  f = ParseMetricFilter("span.name = 'x; DROP TABLE spans'");
  ASSERT_TRUE(f.ok()) << f.status().message();
  EXPECT_EQ(f->value, "x; DROP TABLE spans");
}

TEST(TraceMetrics, UngroupedAggregateOverNothingIsOneCountOfZero) {
  auto q = Query(MetricView::kTraces, "trace_count", {Agg(AggregationKind::kCount)});
  auto points = AggregateMetricSamples(q, {});
  ASSERT_EQ(points.size(), 1u);
  EXPECT_TRUE(points[0].dimensions.empty());
  ASSERT_EQ(points[0].values.size(), 1u);
  EXPECT_EQ(points[0].values[0].first, "COUNT");
  EXPECT_EQ(points[0].values[0].second, 0.0);
  // Only null aggregates: no point at all.
  q = Query(MetricView::kTraces, "latency", {Agg(AggregationKind::kAvg)});
  EXPECT_TRUE(AggregateMetricSamples(q, {Sample(std::nullopt)}).empty());
}

TEST(TraceMetrics, AggregatesPerGroupInOrder) {
  auto q = Query(MetricView::kTraces, "latency",
                 {Agg(AggregationKind::kAvg), Agg(AggregationKind::kMin), Agg(AggregationKind::kMax),
                  Agg(AggregationKind::kPercentile, 50), Agg(AggregationKind::kPercentile, 90)});
  q.dimensions = {"trace_name"};
  std::vector<MetricSample> samples{Sample(10, {"b"}), Sample(20, {"a"}), Sample(40, {"a"}), Sample(30, {"a"}),
                                    Sample(5, {std::nullopt}), Sample(std::nullopt, {"c"})};
  auto points = AggregateMetricSamples(q, samples);
  ASSERT_EQ(points.size(), 2u);
  EXPECT_EQ(points[0].dimensions[0], (std::pair<std::string, std::string>{"trace_name", "a"}));
  const auto& v = points[0].values;
  ASSERT_EQ(v.size(), 5u);
  EXPECT_DOUBLE_EQ(v[0].second, 30.0);  // AVG
  EXPECT_DOUBLE_EQ(v[1].second, 20.0);  // MIN
  EXPECT_DOUBLE_EQ(v[2].second, 40.0);  // MAX
  EXPECT_EQ(v[3].first, "P50.0");
  EXPECT_DOUBLE_EQ(v[3].second, 30.0);
  EXPECT_DOUBLE_EQ(v[4].second, 38.0);  // 20,30,40 at 0.9 * 2 = 1.8: 30 + 0.8 * 10
  EXPECT_EQ(points[1].dimensions[0].second, "b");
  q.max_results = 1;
  EXPECT_EQ(AggregateMetricSamples(q, samples).size(), 1u);
}

TEST(TraceMetrics, TimeBucketsAndDistinctSessions) {
  auto q = Query(MetricView::kTraces, "session_count", {Agg(AggregationKind::kCount)});
  q.time_interval_seconds = 3600;
  q.start_time_ms = 0;
  q.end_time_ms = 10'000'000'000'000;
  int64_t t0 = 1'600'000'000'000;  // 2020-09-13T12:26:40Z
  std::vector<MetricSample> samples;
  for (auto [ts, session] : std::vector<std::pair<int64_t, const char*>>{
           {t0, "s1"}, {t0 + 1, "s1"}, {t0 + 2, "s2"}, {t0 + 3'600'000, "s1"}, {t0 + 5, nullptr}}) {
    MetricSample s;
    s.bucket_ms = TimeBucketStart(ts, 3600);
    if (session) s.distinct = session;
    samples.push_back(s);
  }
  auto points = AggregateMetricSamples(q, samples);
  ASSERT_EQ(points.size(), 2u);
  EXPECT_EQ(points[0].dimensions[0].first, "time_bucket");
  EXPECT_EQ(points[0].dimensions[0].second, "2020-09-13T12:00:00+00:00");
  EXPECT_EQ(points[0].values[0].second, 2.0);
  EXPECT_EQ(points[1].dimensions[0].second, "2020-09-13T13:00:00+00:00");
  EXPECT_EQ(points[1].values[0].second, 1.0);
}

}  // namespace
}  // namespace mlflow::tracing
