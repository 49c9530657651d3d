// Tracing REST handlers: decode the request, call the TracingService, render MLflow's JSON
// (docs/reference/tracing.md sections 1-2).
#include "server/handlers/trace_handlers.h"

#include <cctype>
#include <initializer_list>

#include "auth/request_aliases.h"
#include "core/py_text.h"

#include "server/handlers/artifact_handlers.h"
#include "server/handlers/json_render.h"
#include "server/handlers/request_fields.h"
#include "server/handlers/routes.h"
#include "server/handlers/trace_json.h"
#include "tracing/json.h"

namespace mlflow::server {
namespace {

using nlohmann::json;

const std::string& PathParam(const HttpRequest& req, const char* name) {
  static const std::string kNone;
  auto it = req.path_params.find(name);
  return it == req.path_params.end() ? kNone : it->second;
}

// A required list field: absent, null or empty is "missing", as MLflow's _assert_required.
Result<std::vector<std::string>> RequiredList(const RequestFields& f, const char* name) {
  if (!f.from_query()) {
    if (const json* v = f.Json(name)) {
      if (!v->is_array()) return TypeError(name, *v);
      for (const auto& e : *v)
        if (!e.is_string()) return TypeError(name, *v);
    }
  }
  MLFLOW_ASSIGN_OR_RETURN(std::vector<std::string> v, f.StringList(name));
  if (v.empty()) return MissingParameter(name);
  return v;
}

// A required list field that may be empty: MLflow's _assert_required refuses only an absent or
// null value (its link handlers then link nothing).
Result<std::vector<std::string>> PresentList(const RequestFields& f, const char* name) {
  if (!f.Has(name)) return MissingParameter(name);
  const json* v = f.Json(name);
  if (v && !v->is_array()) return TypeError(name, *v);
  if (v && v->empty()) return std::vector<std::string>{};
  return RequiredList(f, name);
}

// An optional list of strings whose presence matters (experiment_ids scoping).
Result<std::optional<std::vector<std::string>>> OptionalList(const RequestFields& f, const char* name) {
  if (!f.Has(name)) return std::optional<std::vector<std::string>>();
  if (!f.from_query()) {
    const json* v = f.Json(name);
    if (!v->is_array()) return TypeError(name, *v);
    for (const auto& e : *v)
      if (!e.is_string()) return TypeError(name, *v);
  }
  MLFLOW_ASSIGN_OR_RETURN(std::vector<std::string> v, f.StringList(name));
  return std::optional<std::vector<std::string>>(std::move(v));
}

// {key, value} list (v2 request_metadata / tags).
Result<std::vector<KeyValue>> KeyValues(const RequestFields& f, const char* name) {
  return f.KeyValueList(name, /*require_key=*/true);
}

std::string InfoResponse(const TraceInfo& info, const char* wrapper = "trace") {
  std::string out = "{\"";
  out += wrapper;
  out += "\":{\"trace_info\":";
  AppendTraceInfoV3Json(out, info);
  out += "}}";
  return out;
}

std::string V2InfoResponse(const TraceInfo& info) {
  std::string out = "{\"trace_info\":";
  AppendTraceInfoV2Json(out, info);
  out += '}';
  return out;
}

std::string AssessmentResponse(const Assessment& a) {
  std::string out = "{\"assessment\":";
  AppendAssessmentJson(out, a);
  out += '}';
  return out;
}

// ---- v3 ----

Result<std::string> StartTraceV3(ApiContext& ctx, const HttpRequest& req) {
  RequestFields f(req);
  const json* trace = f.Json("trace");
  if (!trace) return MissingParameter("trace");
  if (!trace->is_object()) return TypeError("trace", *trace);
  auto ti = trace->find("trace_info");
  MLFLOW_ASSIGN_OR_RETURN(TraceInfo info,
                          ParseTraceInfoV3(ti == trace->end() || ti->is_null() ? json::object() : *ti));
  MLFLOW_ASSIGN_OR_RETURN(TraceInfo stored, ctx.tracing->StartTrace(info));
  return InfoResponse(stored);
}

Result<std::string> GetTraceInfoV3(ApiContext& ctx, const HttpRequest& req) {
  MLFLOW_ASSIGN_OR_RETURN(TraceInfo info, ctx.tracing->GetTraceInfo(PathParam(req, "trace_id")));
  return InfoResponse(info);
}

Result<std::string> GetTrace(ApiContext& ctx, const HttpRequest& req) {
  RequestFields f(req);
  MLFLOW_ASSIGN_OR_RETURN(std::string trace_id, f.RequiredString("trace_id"));
  MLFLOW_ASSIGN_OR_RETURN(std::optional<bool> allow_partial, f.Bool("allow_partial"));
  MLFLOW_ASSIGN_OR_RETURN(store::TraceData trace, ctx.tracing->GetTrace(trace_id, allow_partial.value_or(false)));
  std::string out = "{\"trace\":";
  MLFLOW_RETURN_IF_ERROR(AppendTraceJson(out, trace));
  out += '}';
  return out;
}

Result<std::string> BatchGetTraces(ApiContext& ctx, const HttpRequest& req) {
  RequestFields f(req);
  MLFLOW_ASSIGN_OR_RETURN(std::vector<std::string> ids, RequiredList(f, "trace_ids"));
  MLFLOW_ASSIGN_OR_RETURN(auto experiment_ids, OptionalList(f, "experiment_ids"));
  MLFLOW_ASSIGN_OR_RETURN(std::vector<store::TraceData> traces, ctx.tracing->BatchGetTraces(ids, experiment_ids));
  if (traces.empty()) return std::string("{}");
  std::string out = "{\"traces\":[";
  for (size_t i = 0; i < traces.size(); ++i) {
    if (i) out += ',';
    MLFLOW_RETURN_IF_ERROR(AppendTraceJson(out, traces[i]));
  }
  out += "]}";
  return out;
}

Result<std::string> BatchGetTraceInfos(ApiContext& ctx, const HttpRequest& req) {
  RequestFields f(req);
  // MLflow answers an empty `trace_ids` with no infos (only absent or null is refused).
  MLFLOW_ASSIGN_OR_RETURN(std::vector<std::string> ids, PresentList(f, "trace_ids"));
  if (ids.empty()) return std::string("{}");
  MLFLOW_ASSIGN_OR_RETURN(auto experiment_ids, OptionalList(f, "experiment_ids"));
  MLFLOW_ASSIGN_OR_RETURN(std::vector<TraceInfo> infos, ctx.tracing->BatchGetTraceInfos(ids, experiment_ids));
  if (infos.empty()) return std::string("{}");
  std::string out = "{\"trace_infos\":[";
  for (size_t i = 0; i < infos.size(); ++i) {
    if (i) out += ',';
    AppendTraceInfoV3Json(out, infos[i]);
  }
  out += "]}";
  return out;
}

// The search fields shared by v3 and v2: filter, max_results (<= 500), order_by, page_token.
Status SearchFields(const RequestFields& f, store::TraceSearchRequest& r) {
  MLFLOW_ASSIGN_OR_RETURN(std::optional<std::string> filter, f.String("filter"));
  r.filter = filter.value_or("");
  MLFLOW_ASSIGN_OR_RETURN(std::optional<int64_t> max_results, f.Int64("max_results"));
  if (max_results && *max_results > 500) return TypeError("max_results", json(*max_results));
  r.max_results = max_results.value_or(100);
  if (!f.from_query()) {
    if (const json* ob = f.Json("order_by")) {
      if (!ob->is_array()) return TypeError("order_by", *ob);
      for (const auto& e : *ob)
        if (!e.is_string()) return TypeError("order_by", *ob);
    }
  }
  MLFLOW_ASSIGN_OR_RETURN(r.order_by, f.StringList("order_by"));
  MLFLOW_ASSIGN_OR_RETURN(std::optional<std::string> token, f.String("page_token"));
  r.page_token = token.value_or("");
  return Status();
}

std::string PageResponse(const store::TracePage& page, bool v2) {
  std::string out = "{";
  if (!page.traces.empty()) {
    out += "\"traces\":[";
    for (size_t i = 0; i < page.traces.size(); ++i) {
      if (i) out += ',';
      if (v2) {
        AppendTraceInfoV2Json(out, page.traces[i]);
      } else {
        AppendTraceInfoV3Json(out, page.traces[i]);
      }
    }
    out += ']';
  }
  if (!page.next_page_token.empty()) {
    if (!page.traces.empty()) out += ',';
    out += "\"next_page_token\":";
    AppendPyJsonString(out, page.next_page_token);
  }
  out += '}';
  return out;
}

// MLflow crashes (500) on a location whose mlflow_experiment or experiment_id is not what the
// proto says (an empty experiment id reaches int()); those are answered 400 here
// (tests/interop/known_differences.yaml, trace-search-location-wrong-type).
Result<std::string> SearchTracesV3(ApiContext& ctx, const HttpRequest& req) {
  RequestFields f(req);
  const std::vector<auth::AliasedField>& fields = auth::SearchTracesV3Fields();
  const auth::AliasedField& experiment_field = fields.front().fields.front();
  const json* locations = auth::AliasedValue(f.Body(), fields.front());
  if (!locations || locations->is_null()) return MissingParameter("locations");
  if (!locations->is_array()) return TypeError("locations", *locations);
  store::TraceSearchRequest r;
  for (const json* loc : auth::ItemsParsedBeforeFailure(*locations, fields.front().fields)) {
    const json* exp = auth::AliasedValue(*loc, experiment_field);
    if (!exp || exp->is_null()) continue;
    if (!exp->is_object()) return TypeError("locations", *locations);
    const json* id = auth::AliasedValue(*exp, experiment_field.fields.front());
    std::string eid;
    if (id && !id->is_null()) {
      if (!id->is_string()) return TypeError("locations", *locations);
      eid = id->get<std::string>();
    }
    r.experiment_ids.push_back(std::move(eid));
  }
  MLFLOW_RETURN_IF_ERROR(SearchFields(f, r));
  MLFLOW_ASSIGN_OR_RETURN(store::TracePage page, ctx.tracing->SearchTraces(r));
  return PageResponse(page, false);
}

// ---- trace analytics ----

// An enum field as protobuf's JSON parser reads it for MLflow: the value's name, or its number
// (the C++ enums list the proto's values in order, from 1). An unknown value is dropped (MLflow
// parses with ignore_unknown_fields), and an unset proto2 enum reads as its first value.
template <typename E>
E EnumField(const json& v, std::optional<E> (*from_name)(std::string_view), std::initializer_list<E> all) {
  if (v.is_string()) {
    if (std::optional<E> e = from_name(v.get<std::string>())) return *e;
  } else if (v.is_number_integer()) {
    for (E e : all) {
      if (static_cast<int64_t>(static_cast<int>(e) + 1) == v.get<int64_t>()) return e;
    }
  }
  return *all.begin();
}

Result<std::vector<std::string>> OptionalStringList(const RequestFields& f, const char* name) {
  if (const json* v = f.Json(name); v && !v->is_null()) {
    if (!v->is_array()) return TypeError(name, *v);
    for (const auto& e : *v)
      if (!e.is_string()) return TypeError(name, *v);
  }
  return f.StringList(name);
}

// MLflow's MetricAggregation: a PERCENTILE needs a percentile_value in [0, 100], the others none.
// MLflow raises these as a plain ValueError, which its server answers with a 500 HTML page; they
// are the client's mistakes, answered here as 400 INVALID_PARAMETER_VALUE
// (tests/interop/known_differences.yaml, trace-metrics-percentile-without-value). A missing or
// unknown aggregation_type reads as COUNT, as in MLflow.
Result<tracing::MetricAggregation> ParseAggregation(const json& a, const json& all) {
  if (!a.is_object()) return TypeError("aggregations", all);
  tracing::MetricAggregation out;
  using K = tracing::AggregationKind;
  auto type = a.find("aggregation_type");
  out.kind = type == a.end() || type->is_null()
                 ? K::kCount
                 : EnumField<K>(*type, tracing::AggregationFromName,
                                {K::kCount, K::kSum, K::kAvg, K::kPercentile, K::kMin, K::kMax});
  auto pv = a.find("percentile_value");
  if (pv != a.end() && !pv->is_null()) {
    std::optional<double> v = JsonToDouble(*pv);
    if (!v) return TypeError("aggregations", all);
    out.percentile = *v;
  }
  if (out.kind == tracing::AggregationKind::kPercentile) {
    if (!out.percentile) return Status::InvalidParameter("Percentile value is required for PERCENTILE aggregation");
    if (*out.percentile > 100 || *out.percentile < 0) {
      return Status::InvalidParameter("Percentile value must be between 0 and 100, got " +
                                      PyFloatRepr(*out.percentile));
    }
  } else if (out.percentile) {
    return Status::InvalidParameter(std::string("Percentile value is only allowed for PERCENTILE aggregation type, got ") +
                                    tracing::AggregationName(out.kind));
  }
  return out;
}

Result<std::string> QueryTraceMetrics(ApiContext& ctx, const HttpRequest& req) {
  RequestFields f(req);
  tracing::TraceMetricsQuery q;
  // Present but empty is a query over no experiment (MLflow answers its empty aggregates).
  MLFLOW_ASSIGN_OR_RETURN(q.experiment_ids, PresentList(f, "experiment_ids"));
  const json* view = f.Json("view_type");
  if (!view || view->is_null() || (view->is_string() && view->get<std::string>().empty())) {
    return MissingParameter("view_type");
  }
  using V = tracing::MetricView;
  q.view = EnumField<V>(*view, tracing::MetricViewFromName, {V::kTraces, V::kSpans, V::kAssessments});
  MLFLOW_ASSIGN_OR_RETURN(q.metric_name, f.RequiredString("metric_name"));
  const json* aggs = f.Json("aggregations");
  if (!aggs || aggs->is_null()) return MissingParameter("aggregations");
  if (!aggs->is_array()) return TypeError("aggregations", *aggs);
  for (const json& a : *aggs) {
    MLFLOW_ASSIGN_OR_RETURN(tracing::MetricAggregation parsed, ParseAggregation(a, *aggs));
    q.aggregations.push_back(parsed);
  }
  MLFLOW_ASSIGN_OR_RETURN(q.dimensions, OptionalStringList(f, "dimensions"));
  MLFLOW_ASSIGN_OR_RETURN(q.filters, OptionalStringList(f, "filters"));
  MLFLOW_ASSIGN_OR_RETURN(q.time_interval_seconds, f.Int64("time_interval_seconds"));
  MLFLOW_ASSIGN_OR_RETURN(q.start_time_ms, f.Int64("start_time_ms"));
  MLFLOW_ASSIGN_OR_RETURN(q.end_time_ms, f.Int64("end_time_ms"));
  MLFLOW_ASSIGN_OR_RETURN(std::optional<int64_t> max_results, f.Int64("max_results"));
  if (max_results) q.max_results = *max_results;
  MLFLOW_ASSIGN_OR_RETURN(std::optional<std::string> page_token, f.String("page_token"));
  (void)page_token;  // MLflow 3.17 does not page these results either (one page, no token)
  MLFLOW_ASSIGN_OR_RETURN(std::vector<tracing::MetricDataPoint> points, ctx.tracing->QueryTraceMetrics(q));
  std::string out = "{";
  if (!points.empty()) {
    out += "\"data_points\":[";
    for (size_t i = 0; i < points.size(); ++i) {
      const tracing::MetricDataPoint& p = points[i];
      if (i) out += ',';
      out += "{\"metric_name\":";
      AppendPyJsonString(out, p.metric_name);
      if (!p.dimensions.empty()) {
        out += ",\"dimensions\":{";
        for (size_t d = 0; d < p.dimensions.size(); ++d) {
          if (d) out += ',';
          AppendPyJsonString(out, p.dimensions[d].first);
          out += ':';
          AppendPyJsonString(out, p.dimensions[d].second);
        }
        out += '}';
      }
      out += ",\"values\":{";
      for (size_t k = 0; k < p.values.size(); ++k) {
        if (k) out += ',';
        AppendPyJsonString(out, p.values[k].first);
        out += ':';
        AppendPyJsonFloat(out, p.values[k].second);
      }
      out += "}}";
    }
    out += ']';
  }
  out += '}';
  return out;
}

Result<json> DeleteTraces(ApiContext& ctx, const HttpRequest& req) {
  RequestFields f(req);
  store::DeleteTracesRequest r;
  MLFLOW_ASSIGN_OR_RETURN(r.experiment_id, f.RequiredString("experiment_id"));
  MLFLOW_ASSIGN_OR_RETURN(r.max_timestamp_millis, f.Int64("max_timestamp_millis"));
  MLFLOW_ASSIGN_OR_RETURN(r.max_traces, f.Int64("max_traces"));
  if (!f.from_query()) {
    if (const json* ids = f.Json("request_ids")) {
      if (!ids->is_array()) return TypeError("request_ids", *ids);
      for (const auto& e : *ids)
        if (!e.is_string()) return TypeError("request_ids", *ids);
    }
  }
  MLFLOW_ASSIGN_OR_RETURN(r.trace_ids, f.StringList("request_ids"));
  MLFLOW_ASSIGN_OR_RETURN(int64_t n, ctx.tracing->DeleteTraces(r));
  return json{{"traces_deleted", n}};
}

Result<json> SetTraceTag(ApiContext& ctx, const HttpRequest& req, const char* id_param) {
  RequestFields f(req);
  MLFLOW_ASSIGN_OR_RETURN(std::string key, f.RequiredString("key"));
  MLFLOW_ASSIGN_OR_RETURN(std::optional<std::string> value, f.String("value"));
  MLFLOW_RETURN_IF_ERROR(ctx.tracing->SetTraceTag(PathParam(req, id_param), key, value.value_or("")));
  return json::object();
}

Result<json> DeleteTraceTag(ApiContext& ctx, const HttpRequest& req, const char* id_param) {
  RequestFields f(req);
  MLFLOW_ASSIGN_OR_RETURN(std::string key, f.RequiredString("key"));
  MLFLOW_RETURN_IF_ERROR(ctx.tracing->DeleteTraceTag(PathParam(req, id_param), key));
  return json::object();
}

Result<json> LinkTracesToRun(ApiContext& ctx, const HttpRequest& req) {
  RequestFields f(req);
  MLFLOW_ASSIGN_OR_RETURN(std::vector<std::string> ids, PresentList(f, "trace_ids"));
  MLFLOW_ASSIGN_OR_RETURN(std::string run_id, f.RequiredString("run_id"));
  MLFLOW_RETURN_IF_ERROR(ctx.tracing->LinkTracesToRun(ids, run_id));
  return json::object();
}

Result<json> LinkPromptsToTrace(ApiContext& ctx, const HttpRequest& req) {
  RequestFields f(req);
  MLFLOW_ASSIGN_OR_RETURN(std::string trace_id, f.RequiredString("trace_id"));
  const json* versions = f.Json("prompt_versions");
  if (!versions) return MissingParameter("prompt_versions");
  if (!versions->is_array()) return TypeError("prompt_versions", *versions);
  std::vector<service::PromptVersionRef> refs;
  for (const auto& pv : *versions) {
    if (!pv.is_object()) return TypeError("prompt_versions", *versions);
    service::PromptVersionRef ref;
    if (auto n = pv.find("name"); n != pv.end() && n->is_string()) ref.name = n->get<std::string>();
    if (auto v = pv.find("version"); v != pv.end() && v->is_string()) ref.version = v->get<std::string>();
    refs.push_back(std::move(ref));
  }
  MLFLOW_RETURN_IF_ERROR(ctx.tracing->LinkPromptsToTrace(trace_id, refs));
  return json::object();
}

Result<std::string> CreateAssessment(ApiContext& ctx, const HttpRequest& req) {
  RequestFields f(req);
  const json* a = f.Json("assessment");
  if (!a) return MissingParameter("assessment");
  MLFLOW_ASSIGN_OR_RETURN(Assessment parsed, ParseAssessment(*a));
  parsed.trace_id = PathParam(req, "trace_id");
  MLFLOW_ASSIGN_OR_RETURN(Assessment created, ctx.tracing->CreateAssessment(parsed));
  return AssessmentResponse(created);
}

Result<std::string> GetAssessment(ApiContext& ctx, const HttpRequest& req) {
  MLFLOW_ASSIGN_OR_RETURN(Assessment a,
                          ctx.tracing->GetAssessment(PathParam(req, "trace_id"), PathParam(req, "assessment_id")));
  return AssessmentResponse(a);
}

Result<std::string> UpdateAssessment(ApiContext& ctx, const HttpRequest& req) {
  RequestFields f(req);
  const json* a = f.Json("assessment");
  if (!a) return MissingParameter("assessment");
  const json* mask = f.Json("update_mask");
  if (!mask) return MissingParameter("update_mask");
  MLFLOW_ASSIGN_OR_RETURN(store::AssessmentUpdate u, ParseAssessmentUpdate(*a, *mask));
  MLFLOW_ASSIGN_OR_RETURN(Assessment updated, ctx.tracing->UpdateAssessment(PathParam(req, "trace_id"),
                                                                           PathParam(req, "assessment_id"), u));
  return AssessmentResponse(updated);
}

Result<json> DeleteAssessment(ApiContext& ctx, const HttpRequest& req) {
  MLFLOW_RETURN_IF_ERROR(ctx.tracing->DeleteAssessment(PathParam(req, "trace_id"), PathParam(req, "assessment_id")));
  return json::object();
}

// ---- v2 ----

Result<std::string> SearchTracesV2(ApiContext& ctx, const HttpRequest& req) {
  RequestFields f(req);
  store::TraceSearchRequest r;
  MLFLOW_ASSIGN_OR_RETURN(r.experiment_ids, RequiredList(f, "experiment_ids"));
  MLFLOW_RETURN_IF_ERROR(SearchFields(f, r));
  MLFLOW_ASSIGN_OR_RETURN(store::TracePage page, ctx.tracing->SearchTraces(r));
  return PageResponse(page, true);
}

Result<std::string> StartTraceV2(ApiContext& ctx, const HttpRequest& req) {
  RequestFields f(req);
  MLFLOW_ASSIGN_OR_RETURN(std::optional<std::string> experiment_id, f.String("experiment_id"));
  MLFLOW_ASSIGN_OR_RETURN(std::optional<int64_t> timestamp_ms, f.Int64("timestamp_ms"));
  MLFLOW_ASSIGN_OR_RETURN(std::vector<KeyValue> metadata, KeyValues(f, "request_metadata"));
  MLFLOW_ASSIGN_OR_RETURN(std::vector<KeyValue> tags, KeyValues(f, "tags"));
  MLFLOW_ASSIGN_OR_RETURN(TraceInfo info, ctx.tracing->StartTraceV2(experiment_id.value_or(""), timestamp_ms.value_or(0),
                                                                   metadata, tags));
  return V2InfoResponse(info);
}

Result<std::string> EndTraceV2(ApiContext& ctx, const HttpRequest& req) {
  RequestFields f(req);
  MLFLOW_ASSIGN_OR_RETURN(std::optional<int64_t> timestamp_ms, f.Int64("timestamp_ms"));
  MLFLOW_ASSIGN_OR_RETURN(std::optional<std::string> status, f.String("status"));
  // An unknown status name leaves the field unset, as protobuf's parser does for MLflow.
  std::string state = status ? StateFromV2Status(*status) : std::string(kTraceStateUnspecified);
  MLFLOW_ASSIGN_OR_RETURN(std::vector<KeyValue> metadata, KeyValues(f, "request_metadata"));
  MLFLOW_ASSIGN_OR_RETURN(std::vector<KeyValue> tags, KeyValues(f, "tags"));
  MLFLOW_ASSIGN_OR_RETURN(TraceInfo info, ctx.tracing->EndTraceV2(PathParam(req, "request_id"),
                                                                 timestamp_ms.value_or(0), state, metadata, tags));
  return V2InfoResponse(info);
}

Result<std::string> GetTraceInfoV2(ApiContext& ctx, const HttpRequest& req) {
  MLFLOW_ASSIGN_OR_RETURN(TraceInfo info, ctx.tracing->GetTraceInfo(PathParam(req, "request_id")));
  return V2InfoResponse(info);
}

// ---- the UI's trace data download ----

void GetTraceArtifact(ApiContext& ctx, StreamContext& s) {
  const HttpRequest& req = s.request();
  std::optional<std::string> request_id = QueryValue(req.query, "request_id");
  if (!request_id || request_id->empty()) {
    s.Respond(ErrorResponse(Status::BadRequest("Request must include the \"request_id\" query parameter.")));
    return;
  }
  if (std::optional<std::string> path = QueryValue(req.query, "path"); path && !path->empty()) {
    // A trace attachment, stored under attachments/ of the trace's artifact root.
    Result<TraceInfo> info = ctx.tracing->GetTraceInfo(*request_id);
    if (!info.ok()) {
      s.Respond(ErrorResponse(info.status()));
      return;
    }
    Result<std::string> root = service::TracingService::ArtifactRoot(*info);
    if (!root.ok()) {
      s.Respond(ErrorResponse(root.status()));
      return;
    }
    SendArtifactFile(s, ctx.artifacts->TraceArtifact(*root, "attachments/" + *path));
    return;
  }
  Result<store::TraceData> trace = ctx.tracing->ReadTrace(*request_id);
  if (!trace.ok()) {
    s.Respond(ErrorResponse(trace.status()));
    return;
  }
  if (trace->spans_in_store) {
    HttpResponse r;
    r.content_type = "text/plain";
    r.headers.push_back({"Content-Disposition", "attachment; filename=traces.json"});
    r.headers.push_back({"X-Content-Type-Options", "nosniff"});
    r.body = "{\"spans\":[";
    for (size_t i = 0; i < trace->span_contents.size(); ++i) {
      if (i) r.body += ',';
      r.body += trace->span_contents[i];
    }
    r.body += "]}";
    s.Respond(r);
    return;
  }
  // Spans uploaded by the client as an artifact (traces.json under the trace's artifact root).
  Result<std::string> root = service::TracingService::ArtifactRoot(trace->info);
  if (!root.ok()) {
    s.Respond(ErrorResponse(root.status()));
    return;
  }
  SendArtifactFile(s, ctx.artifacts->TraceArtifact(*root, "traces.json"));
}

}  // namespace

void RegisterTraceHandlers(Router& router, ApiContext& ctx) {
  auto raw = [&ctx](Result<std::string> (*fn)(ApiContext&, const HttpRequest&)) {
    return [&ctx, fn](const HttpRequest& req) { return fn(ctx, req); };
  };
  auto js = [&ctx](Result<json> (*fn)(ApiContext&, const HttpRequest&)) {
    return [&ctx, fn](const HttpRequest& req) { return fn(ctx, req); };
  };
  JsonRouteOptions v3;
  v3.major = 3;
  // v3 (fixed paths before {trace_id} patterns; the router tries fixed paths first).
  AddRawJsonApi(router, "POST", "/mlflow/traces", raw(StartTraceV3), v3);
  AddRawJsonApi(router, "POST", "/mlflow/traces/search", raw(SearchTracesV3), v3);
  AddRawJsonApi(router, "GET", "/mlflow/traces/get", raw(GetTrace), v3);
  AddRawJsonApi(router, "GET", "/mlflow/traces/batchGet", raw(BatchGetTraces), v3);
  AddRawJsonApi(router, "POST", "/mlflow/traces/batchGetInfos", raw(BatchGetTraceInfos), v3);
  AddJsonApi(router, "POST", "/mlflow/traces/delete-traces", js(DeleteTraces), v3);
  AddRawJsonApi(router, "POST", "/mlflow/traces/metrics", raw(QueryTraceMetrics), v3);
  AddRawJsonApi(router, "GET", "/mlflow/traces/{trace_id}", raw(GetTraceInfoV3), v3);
  AddJsonApi(router, "PATCH", "/mlflow/traces/{trace_id}/tags",
             [&ctx](const HttpRequest& req) { return SetTraceTag(ctx, req, "trace_id"); }, v3);
  AddJsonApi(router, "DELETE", "/mlflow/traces/{trace_id}/tags",
             [&ctx](const HttpRequest& req) { return DeleteTraceTag(ctx, req, "trace_id"); }, v3);
  AddRawJsonApi(router, "POST", "/mlflow/traces/{trace_id}/assessments", raw(CreateAssessment), v3);
  AddRawJsonApi(router, "GET", "/mlflow/traces/{trace_id}/assessments/{assessment_id}", raw(GetAssessment), v3);
  AddRawJsonApi(router, "PATCH", "/mlflow/traces/{trace_id}/assessments/{assessment_id}", raw(UpdateAssessment), v3);
  AddJsonApi(router, "DELETE", "/mlflow/traces/{trace_id}/assessments/{assessment_id}", js(DeleteAssessment), v3);

  // v2
  AddRawJsonApi(router, "GET", "/mlflow/traces", raw(SearchTracesV2));
  AddRawJsonApi(router, "POST", "/mlflow/traces", raw(StartTraceV2));
  AddJsonApi(router, "POST", "/mlflow/traces/delete-traces", js(DeleteTraces));
  AddJsonApi(router, "POST", "/mlflow/traces/link-to-run", js(LinkTracesToRun));
  AddJsonApi(router, "POST", "/mlflow/traces/link-prompts", js(LinkPromptsToTrace));
  AddRawJsonApi(router, "PATCH", "/mlflow/traces/{request_id}", raw(EndTraceV2));
  AddRawJsonApi(router, "GET", "/mlflow/traces/{request_id}/info", raw(GetTraceInfoV2));
  AddJsonApi(router, "PATCH", "/mlflow/traces/{request_id}/tags",
             [&ctx](const HttpRequest& req) { return SetTraceTag(ctx, req, "request_id"); });
  AddJsonApi(router, "DELETE", "/mlflow/traces/{request_id}/tags",
             [&ctx](const HttpRequest& req) { return DeleteTraceTag(ctx, req, "request_id"); });

  ApiContext* c = &ctx;
  router.AddStream("GET", "/ajax-api/2.0/mlflow/get-trace-artifact", [c](StreamContext& s) { GetTraceArtifact(*c, s); });
  router.AddStream("GET", "/ajax-api/3.0/mlflow/get-trace-artifact", [c](StreamContext& s) { GetTraceArtifact(*c, s); });
  router.Add("POST", "/v1/traces", [c](const HttpRequest& req) { return HandleOtlpTraces(*c, req); });
}

}  // namespace mlflow::server
