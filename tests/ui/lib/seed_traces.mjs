// Seeds traces through OTLP/HTTP JSON (POST /v1/traces with x-mlflow-experiment-id), which both
// mlflow-cpp and the real `mlflow server` ingest: one agent trace with a span tree (chain ->
// retriever, LLM -> tool) and one failed trace. Fixed trace ids, so both servers hold the same ids;
// recent times, as the traces page lists the last days only.

const attr = (key, v) => ({ key, value: typeof v === 'number' ? { intValue: String(v) } : { stringValue: v } });
const ns = (ms) => String(BigInt(ms) * 1000000n);

function span(traceId, spanId, parent, name, start, end, type, inputs, outputs, extra = [], status = 'STATUS_CODE_OK') {
  return {
    traceId, spanId, ...(parent ? { parentSpanId: parent } : {}), name,
    startTimeUnixNano: ns(start), endTimeUnixNano: ns(end),
    attributes: [attr('mlflow.spanType', JSON.stringify(type)), attr('mlflow.spanInputs', JSON.stringify(inputs)),
      attr('mlflow.spanOutputs', JSON.stringify(outputs)), ...extra],
    status: { code: status },
  };
}

export const TRACE_OK = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';
export const TRACE_FAILED = '0f1e2d3c4b5a69788796a5b4c3d2e1f0';

export async function seedTraces(url, experimentId, T0 = Date.now() - 10 * 60000) {
  const question = { messages: [{ role: 'user', content: 'Which merchants had the most fraud last week?' }] };
  const answer = 'Electronics merchants had 41 flagged transactions, travel 17.';
  const spans = [
    span(TRACE_OK, '1000000000000001', null, 'fraud-agent', T0, T0 + 2400, 'AGENT', question, answer,
      [attr('mlflow.traceTag.team', 'risk')]),
    span(TRACE_OK, '1000000000000002', '1000000000000001', 'search-transactions', T0 + 100, T0 + 700, 'RETRIEVER',
      { query: 'fraud last week by merchant' }, [{ page_content: 'electronics: 41', metadata: { doc_uri: 'tx://1' } }]),
    span(TRACE_OK, '1000000000000003', '1000000000000001', 'summarize', T0 + 800, T0 + 2300, 'LLM',
      question, answer, [attr('mlflow.llm.model', 'gpt-test')]),
    span(TRACE_OK, '1000000000000004', '1000000000000003', 'format-table', T0 + 2000, T0 + 2200, 'TOOL',
      { rows: 2 }, '| merchant | count |'),
    span(TRACE_FAILED, '2000000000000001', null, 'nightly-report', T0 + 60000, T0 + 61000, 'CHAIN',
      { date: '2025-06-01' }, null, [], 'STATUS_CODE_ERROR'),
  ];
  const res = await fetch(`${url}/v1/traces`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'x-mlflow-experiment-id': String(experimentId) },
    body: JSON.stringify({ resourceSpans: [{ resource: { attributes: [attr('service.name', 'fraud-agent')] }, scopeSpans: [{ spans }] }] }),
  });
  if (!res.ok) throw new Error(`OTLP export: ${res.status} ${await res.text()}`);
  return { ok: `tr-${TRACE_OK}`, failed: `tr-${TRACE_FAILED}` };
}
