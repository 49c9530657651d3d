import { api, ApiError, loggedModelArtifactUrl, TraceInfo } from '../lib/api';
import { formatNumber, formatTime } from '../lib/format';
import { href, navigate } from '../lib/router';
import { useAsync } from '../lib/useAsync';
import { Breadcrumbs, Empty, ErrorBox, Loading, StatusBadge, Tabs } from '../components/common';
import { ArtifactBrowser } from '../components/ArtifactBrowser';

export function LoggedModelPage({ experimentId, modelId, tab }: { experimentId: string; modelId: string; tab: string }) {
  const state = useAsync(() => api.getLoggedModel(modelId).then((r) => r.model), [modelId]);
  if (state.error) {
    const nf = state.error instanceof ApiError && (state.error.code === 'RESOURCE_DOES_NOT_EXIST' || state.error.status === 404);
    return <div className="page">{nf ? <Empty title="Logged model not found"><p>{(state.error as Error).message}</p></Empty> : <ErrorBox error={state.error} />}</div>;
  }
  if (!state.data) return <Loading what="model" />;
  const m = state.data;
  const base = ['experiments', experimentId, 'models', modelId];
  const active = tab === 'artifacts' || tab === 'traces' ? tab : 'overview';
  return (
    <div className="page">
      <Breadcrumbs items={[{ label: 'Experiments', href: '#/experiments' }, { label: `Experiment ${experimentId}`, href: href(['experiments', experimentId, 'models']) }]} />
      <div className="page-header"><h1>{m.info.name}</h1><StatusBadge status={m.info.status?.replace('LOGGED_MODEL_', '')} /></div>
      <Tabs active={active} tabs={[{ key: 'overview', label: 'Overview', href: href(base) }, { key: 'artifacts', label: 'Artifacts', href: href([...base, 'artifacts']) }, { key: 'traces', label: 'Traces', href: href([...base, 'traces']) }]} />
      {active === 'traces' ? <ModelTraces experimentId={experimentId} modelId={modelId} /> : active === 'overview' ? (
        <div className="col" style={{ gap: 20 }}>
          <div className="kv" style={{ maxWidth: 900 }}>
            <div>Model ID</div><div className="mono">{m.info.model_id}</div>
            <div>Created</div><div>{formatTime(m.info.creation_timestamp_ms)}</div>
            <div>Source run</div><div>{m.info.source_run_id ? <a href={href(['experiments', experimentId, 'runs', m.info.source_run_id])}>{m.info.source_run_id}</a> : '-'}</div>
            <div>Type</div><div>{m.info.model_type ?? '-'}</div>
            <div>Artifact location</div><div className="mono ellipsis">{m.info.artifact_uri}</div>
            <div>Registered versions</div>
            <div className="row wrap">{(m.info.registrations ?? []).length ? m.info.registrations!.map((r) => <a key={r.name + r.version} className="badge blue" href={href(['models', r.name, 'versions', r.version])}>{r.name} v{r.version}</a>) : '-'}</div>
          </div>
          <div className="split">
            <div>
              <h2>Metrics</h2>
              {(m.data?.metrics ?? []).length === 0 ? <div className="muted">No metrics</div> : (
                <table className="grid"><thead><tr><th>Key</th><th>Value</th><th>Dataset</th><th>Step</th></tr></thead>
                  <tbody>{m.data!.metrics!.map((x, i) => <tr key={i}><td className="mono">{x.key}</td><td>{formatNumber(x.value)}</td><td>{x.dataset_name ?? '-'}</td><td>{x.step}</td></tr>)}</tbody></table>
              )}
            </div>
            <div>
              <h2>Parameters</h2>
              {(m.data?.params ?? []).length === 0 ? <div className="muted">No parameters</div> : (
                <table className="grid"><thead><tr><th>Key</th><th>Value</th></tr></thead>
                  <tbody>{m.data!.params!.map((p) => <tr key={p.key}><td className="mono">{p.key}</td><td>{p.value}</td></tr>)}</tbody></table>
              )}
            </div>
          </div>
          {(m.info.tags ?? []).length > 0 && (
            <div>
              <h2>Tags</h2>
              <table className="grid"><thead><tr><th>Key</th><th>Value</th></tr></thead>
                <tbody>{m.info.tags!.map((t) => <tr key={t.key}><td className="mono">{t.key}</td><td>{t.value}</td></tr>)}</tbody></table>
            </div>
          )}
        </div>
      ) : (
        <ArtifactBrowser list={async (p) => (await api.listLoggedModelArtifacts(modelId, p)).files ?? []}
          fileUrl={(p) => loggedModelArtifactUrl(modelId, p)} selected={new URLSearchParams(window.location.hash.split('?')[1] ?? '').get('path') ?? ''}
          onSelect={(p) => navigate(href([...base, 'artifacts'], { path: p }), true)} />
      )}
    </div>
  );
}

// A server without tracing (or an older one) answers the v3 search with 404 / 501 / an unknown
// endpoint: the tab says so instead of showing an error.
export function tracingUnavailable(e: unknown): boolean {
  return e instanceof ApiError && (e.status === 404 || e.status === 405 || e.status === 501 || e.code === 'ENDPOINT_NOT_FOUND');
}

function ModelTraces({ experimentId, modelId }: { experimentId: string; modelId: string }) {
  // MLflow links a trace to a logged model through its request metadata mlflow.modelId.
  const state = useAsync(() => api.searchTraces(experimentId, `request_metadata.\`mlflow.modelId\` = '${modelId.replace(/'/g, "\\'")}'`), [experimentId, modelId]);
  if (state.error) {
    if (tracingUnavailable(state.error)) {
      return <div data-testid="traces-unavailable"><Empty title="Traces are not available"><p>This server does not answer trace searches, so the model's traces cannot be listed.</p></Empty></div>;
    }
    return <ErrorBox error={state.error} onRetry={state.reload} />;
  }
  if (!state.data) return <Loading what="traces" />;
  const traces: TraceInfo[] = state.data.traces ?? [];
  if (!traces.length) return <Empty title="No traces"><p>Traces recorded while this model served requests appear here.</p></Empty>;
  return (
    <div style={{ overflow: 'auto' }}>
      <table className="grid" data-testid="traces-table">
        <thead><tr><th>Trace ID</th><th>Request time</th><th>Duration</th><th>State</th><th>Request</th><th>Response</th></tr></thead>
        <tbody>
          {traces.map((t) => (
            <tr key={t.trace_id}>
              <td className="mono small">{t.trace_id}</td>
              <td className="muted">{t.request_time ? formatTime(Date.parse(t.request_time)) : '-'}</td>
              <td>{t.execution_duration ?? '-'}</td>
              <td><StatusBadge status={t.state} /></td>
              <td className="ellipsis" style={{ maxWidth: 320 }} title={t.request_preview}>{t.request_preview ?? ''}</td>
              <td className="ellipsis" style={{ maxWidth: 320 }} title={t.response_preview}>{t.response_preview ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
