#pragma once
// The attribute translations MLflow's server applies to a span before storing it
// (translate_span_when_storing; docs/reference/tracing.md section 4.3): span type, inputs,
// outputs, token usage, tool definitions, model name and provider taken from the OpenTelemetry
// semantic conventions of OpenInference, GenAI and Traceloop when the span lacks MLflow's own
// attributes, and the model name from a "model" field of the span's inputs or outputs.
//
// Not done here (MLflow does them): the other OTel client conventions (Claude Code, Gemini CLI,
// Spring AI, Google ADK, Vercel AI, VoltAgent, LiveKit, Laminar, Langfuse), chat message-format
// detection, and the cost MLflow prices from its model price table.
#include "tracing/json.h"

namespace mlflow::tracing {

// `attributes`: stored attribute texts (key -> JSON text), updated in place; `events`: the span's
// events as stored (name, time_unix_nano, attributes).
void TranslateOtelAttributes(Json& attributes, const Json& events);

}  // namespace mlflow::tracing
