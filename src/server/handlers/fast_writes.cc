#include "server/handlers/fast_writes.h"

#include <string>

#include "auth/field_spellings.h"
#include "server/handlers/json_render.h"
#include "server/handlers/routes.h"
#include "server/handlers/tracking_handlers.h"
#include "server/handlers/write_body.h"

namespace mlflow::server {
namespace {

// The answer of a write whose handler returns the empty object.
std::function<void(Status)> EmptyAnswer(Responder respond) {
  return [respond = std::move(respond)](Status st) {
    if (!st.ok()) return respond(ErrorResponse(st));
    HttpResponse r;
    r.body = "{}";  // JsonResponse(json::object())
    respond(std::move(r));
  };
}

bool CreateRunInline(ApiContext& ctx, const HttpRequest& req, Responder respond) {
  if (!CheckContentType(req).ok() || !CheckJsonBody(req).ok()) return false;
  // DecodeCreateRun reads either spelling of a field (experiment_id, experimentId); a body with both
  // goes to the route's handler, whose spelling check refuses it as MLflow does (routes.cc). The
  // log-metric and log-batch readers decline every field they do not know, camelCase included.
  static const auto* const spelled = auth::SpelledFieldsOfRoute("POST", "/api/2.0/mlflow/runs/create");
  if (!CheckFieldSpellings(req, spelled).ok()) return false;
  Result<service::CreateRunRequest> r = DecodeCreateRun(req);
  if (!r.ok() || !r->experiment_id || r->experiment_id->empty()) return false;
  // The answer is rendered on the writer thread, after the COMMIT: written directly, not through
  // a JSON DOM (which took 8% of the server's CPU under create-run load, perf).
  ctx.tracking->CreateRunAsync(*r, [respond = std::move(respond)](Result<Run> run) {
    if (!run.ok()) return respond(ErrorResponse(run.status()));
    HttpResponse answer;
    answer.body = "{\"run\":";
    AppendRunJson(answer.body, *run, /*with_outputs=*/false);  // as CreateRunAnswer, without the DOM
    answer.body += '}';
    respond(std::move(answer));
  });
  return true;
}

bool LogMetricInline(ApiContext& ctx, const HttpRequest& req, Responder respond) {
  if (!CheckContentType(req).ok()) return false;
  std::optional<LogMetricBody> body = ReadLogMetricBody(req.body);
  if (!body) return false;
  ctx.tracking->LogMetricAsync(body->run_id, body->metric, EmptyAnswer(std::move(respond)));
  return true;
}

bool LogBatchInline(ApiContext& ctx, const HttpRequest& req, Responder respond) {
  if (!CheckContentType(req).ok()) return false;
  std::optional<LogBatchBody> body = ReadLogBatchBody(req.body);
  if (!body) return false;
  service::LogBatchRequest r;
  r.run_id = std::move(body->run_id);
  r.metrics = std::move(body->metrics);
  r.params = std::move(body->params);
  r.tags = std::move(body->tags);
  ctx.tracking->LogBatchAsync(std::move(r), EmptyAnswer(std::move(respond)));
  return true;
}

}  // namespace

void AddFastWrites(Router& router, ApiContext& ctx) {
  if (!ctx.tracking->async_writes()) return;
  using Fn = bool (*)(ApiContext&, const HttpRequest&, Responder);
  for (auto [path, fn] : {std::pair<const char*, Fn>{"/mlflow/runs/create", CreateRunInline},
                          std::pair<const char*, Fn>{"/mlflow/runs/log-metric", LogMetricInline},
                          std::pair<const char*, Fn>{"/mlflow/runs/log-batch", LogBatchInline}}) {
    for (const char* prefix : {"/api/2.0", "/ajax-api/2.0"}) {
      router.SetInline("POST", std::string(prefix) + path,
                       [&ctx, fn = fn](const HttpRequest& req, Responder respond) { return fn(ctx, req, respond); });
    }
  }
}

}  // namespace mlflow::server
