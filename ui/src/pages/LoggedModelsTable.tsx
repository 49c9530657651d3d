import { api, LoggedModel } from '../lib/api';
import { formatNumber, formatTime } from '../lib/format';
import { href } from '../lib/router';
import { useAsync } from '../lib/useAsync';
import { Empty, ErrorBox, Loading, StatusBadge } from '../components/common';

// MLflow 3 logged models of an experiment: status, source run, registrations, metrics by dataset.
export function LoggedModelsTable({ experimentId }: { experimentId: string }) {
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
  if (state.error) return <ErrorBox error={state.error} onRetry={state.reload} />;
  if (!state.data) return <Loading what="models" />;
  const models = state.data;
  if (!models.length) return <Empty title="No logged models"><p>Models logged with MLflow 3 (mlflow.&lt;flavor&gt;.log_model) appear here.</p></Empty>;
  const metricKeys = Array.from(new Set(models.flatMap((m) => (m.data?.metrics ?? []).map((x) => (x.dataset_name ? `${x.key} (${x.dataset_name})` : x.key))))).sort().slice(0, 12);
  return (
    <div style={{ overflow: 'auto' }}>
      <table className="grid" aria-label="Logged models">
        <thead>
          <tr>
            <th>Model</th><th>Status</th><th>Created</th><th>Source run</th><th>Registered versions</th><th>Type</th>
            {metricKeys.map((k) => <th key={k}>{k}</th>)}
          </tr>
        </thead>
        <tbody>
          {models.map((m) => {
            const vals = new Map((m.data?.metrics ?? []).map((x) => [x.dataset_name ? `${x.key} (${x.dataset_name})` : x.key, x.value]));
            return (
              <tr key={m.info.model_id}>
                <td><a href={href(['experiments', experimentId, 'models', m.info.model_id])}>{m.info.name}</a></td>
                <td><StatusBadge status={m.info.status?.replace('LOGGED_MODEL_', '')} /></td>
                <td className="muted">{formatTime(m.info.creation_timestamp_ms)}</td>
                <td>{m.info.source_run_id ? <a href={href(['experiments', experimentId, 'runs', m.info.source_run_id])} className="mono small">{m.info.source_run_id.slice(0, 8)}</a> : '-'}</td>
                <td>{(m.info.registrations ?? []).map((r) => <a key={r.name + r.version} className="badge blue" href={href(['models', r.name, 'versions', r.version])}>{r.name} v{r.version}</a>)}</td>
                <td className="muted">{m.info.model_type ?? '-'}</td>
                {metricKeys.map((k) => <td key={k} className="num">{vals.has(k) ? formatNumber(vals.get(k)) : <span className="muted">-</span>}</td>)}
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
