import { Fragment, useMemo } from 'react';
import { api, LoggedModel } from '../lib/api';
import { runColor } from '../lib/colors';
import { formatNumber, formatTime } from '../lib/format';
import { groupModels, MODEL_GROUPS, ModelGroupBy, modelMetrics, sortModels } from '../lib/loggedModels';
import { href, setQuery, useRoute } from '../lib/router';
import { useAsync } from '../lib/useAsync';
import { Empty, ErrorBox, Loading, StatusBadge } from '../components/common';

const METRIC_COLUMNS = 12;
const PARAM_COLUMNS = 6;

// One bar per model: the metric's latest value (models share the colour scheme of runs, by id).
function ModelMetricChart({ metric, models }: { metric: string; models: LoggedModel[] }) {
  const rows = models.flatMap((m) => {
    const v = modelMetrics(m).get(metric);
    return v === undefined ? [] : [{ m, v }];
  });
  const max = Math.max(0, ...rows.map((r) => r.v));
  const min = Math.min(0, ...rows.map((r) => r.v));
  const span = max - min || 1;
  return (
    <div className="chart-card" data-metric={metric}>
      <h3><span className="ellipsis" title={metric}>{metric}</span></h3>
      <div className="col" style={{ gap: 3, maxHeight: 260, overflow: 'auto' }} data-testid="model-metric-chart" data-series-count={rows.length}>
        {rows.map(({ m, v }) => (
          <div key={m.info.model_id} className="row small" title={`${m.info.name}: ${v}`}>
            <span className="ellipsis" style={{ width: 140, flex: 'none' }}>{m.info.name}</span>
            <div style={{ flex: 1, position: 'relative', height: 16 }}>
              <div style={{ position: 'absolute', left: `${((Math.min(v, 0) - min) / span) * 100}%`, width: `${(Math.abs(v) / span) * 100}%`,
                height: '100%', background: runColor(m.info.model_id), borderRadius: 2, minWidth: 1 }} />
            </div>
            <span style={{ width: 70, textAlign: 'right', flex: 'none' }}>{formatNumber(v)}</span>
          </div>
        ))}
      </div>
    </div>
  );
}

// MLflow 3 logged models of an experiment: status, source run, registrations, params and metrics
// by dataset; grouped (source run, type, status), ordered, or charted metric by metric. The
// choices live in the URL (modelsGroupBy, modelsOrder, modelsView).
export function LoggedModelsTable({ experimentId }: { experimentId: string }) {
  const q = useRoute().query;
  const groupBy = (Object.keys(MODEL_GROUPS) as ModelGroupBy[]).find((g) => g === q.get('modelsGroupBy')) ?? 'none';
  const order = q.get('modelsOrder') ?? 'created';
  const view = q.get('modelsView') === 'charts' ? 'charts' : 'table';
  const state = useAsync(async () => {
    const out: LoggedModel[] = [];
    let token: string | undefined;
    for (let i = 0; i < 100; i++) {
      const r = await api.searchLoggedModels([experimentId], token);
      out.push(...(r.models ?? []));
      token = r.next_page_token;
      if (!token) break;
    }
    return out;
  }, [experimentId]);
  const models = state.data;
  const metricKeys = useMemo(() => Array.from(new Set((models ?? []).flatMap((m) => Array.from(modelMetrics(m).keys())))).sort(), [models]);
  const paramKeys = useMemo(() => Array.from(new Set((models ?? []).flatMap((m) => (m.data?.params ?? []).map((p) => p.key)))).sort().slice(0, PARAM_COLUMNS), [models]);
  const groups = useMemo(() => groupModels(sortModels(models ?? [], order), groupBy), [models, order, groupBy]);
  if (state.error) return <ErrorBox error={state.error} onRetry={state.reload} />;
  if (!models) return <Loading what="models" />;
  if (!models.length) return <Empty title="No logged models"><p>Models logged with MLflow 3 (mlflow.&lt;flavor&gt;.log_model) appear here.</p></Empty>;
  const shownMetrics = metricKeys.slice(0, METRIC_COLUMNS);
  const cols = 6 + paramKeys.length + shownMetrics.length;
  return (
    <div className="col" style={{ gap: 8, minHeight: 0 }}>
      <div className="row wrap">
        <select aria-label="Group models by" value={groupBy} onChange={(e) => setQuery({ modelsGroupBy: e.target.value === 'none' ? undefined : e.target.value })}>
          {(Object.keys(MODEL_GROUPS) as ModelGroupBy[]).map((g) => <option key={g} value={g}>{g === 'none' ? MODEL_GROUPS[g] : `Group by ${MODEL_GROUPS[g].toLowerCase()}`}</option>)}
        </select>
        <select aria-label="Order models by" value={order} onChange={(e) => setQuery({ modelsOrder: e.target.value === 'created' ? undefined : e.target.value })}>
          <option value="created">Newest first</option>
          <option value="name">Name</option>
          {metricKeys.map((k) => <option key={k} value={`metric:${k}`}>{k} (highest first)</option>)}
        </select>
        <div className="spacer" />
        <span className="segmented" role="group" aria-label="Models view">
          <button className={view === 'table' ? 'on' : ''} onClick={() => setQuery({ modelsView: undefined })}>Table</button>
          <button className={view === 'charts' ? 'on' : ''} onClick={() => setQuery({ modelsView: 'charts' })}>Charts</button>
        </span>
      </div>
      {view === 'charts' ? (
        metricKeys.length === 0 ? <Empty title="No metrics"><p>These models have no metrics logged against them.</p></Empty> : (
          <div className="chart-grid">
            {metricKeys.map((k) => <ModelMetricChart key={k} metric={k} models={groups.flatMap((g) => g.models)} />)}
          </div>
        )
      ) : (
        <div style={{ overflow: 'auto' }}>
          <table className="grid" aria-label="Logged models">
            <thead>
              <tr>
                <th>Model</th><th>Status</th><th>Created</th><th>Source run</th><th>Registered versions</th><th>Type</th>
                {paramKeys.map((k) => <th key={`p:${k}`} title="parameter">{k}</th>)}
                {shownMetrics.map((k) => <th key={k}>{k}</th>)}
              </tr>
            </thead>
            <tbody>
              {groups.map((g) => (
                <Fragment key={g.label}>
                  {groupBy !== 'none' && (
                    <tr className="group-row" data-group={g.label}>
                      <td colSpan={cols}><span className="muted">{MODEL_GROUPS[groupBy]}: </span><b className={groupBy === 'source_run' ? 'mono' : ''}>{g.label}</b> <span className="badge">{g.models.length}</span></td>
                    </tr>
                  )}
                  {g.models.map((m) => {
                    const vals = modelMetrics(m);
                    const params = new Map((m.data?.params ?? []).map((p) => [p.key, p.value]));
                    return (
                      <tr key={m.info.model_id} data-model-id={m.info.model_id}>
                        <td><a href={href(['experiments', experimentId, 'models', m.info.model_id])}>{m.info.name}</a></td>
                        <td><StatusBadge status={m.info.status?.replace('LOGGED_MODEL_', '')} /></td>
                        <td className="muted">{formatTime(m.info.creation_timestamp_ms)}</td>
                        <td>{m.info.source_run_id ? <a href={href(['experiments', experimentId, 'runs', m.info.source_run_id])} className="mono small">{m.info.source_run_id.slice(0, 8)}</a> : '-'}</td>
                        <td>{(m.info.registrations ?? []).map((r) => <a key={r.name + r.version} className="badge blue" href={href(['models', r.name, 'versions', r.version])}>{r.name} v{r.version}</a>)}</td>
                        <td className="muted">{m.info.model_type ?? '-'}</td>
                        {paramKeys.map((k) => <td key={`p:${k}`}>{params.get(k) ?? <span className="muted">-</span>}</td>)}
                        {shownMetrics.map((k) => <td key={k} className="num">{vals.has(k) ? formatNumber(vals.get(k)) : <span className="muted">-</span>}</td>)}
                      </tr>
                    );
                  })}
                </Fragment>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
