import { useEffect, useMemo, useState } from 'react';
import { allPages, api, ApiError, artifactUrl, Metric, Run } from '../lib/api';
import { runColor } from '../lib/colors';
import { indexRun, runModels, runName } from '../lib/columns';
import { minMaxDownsample } from '../lib/downsample';
import { formatDuration, formatNumber, formatTime } from '../lib/format';
import { href, navigate, useRoute } from '../lib/router';
import { emaSmooth } from '../lib/smoothing';
import { useAsync } from '../lib/useAsync';
import {
  Breadcrumbs, ConfirmModal, DescriptionEditor, Empty, ErrorBox, FormModal, Loading, Spinner, StatusBadge, Tabs, TagsEditor,
} from '../components/common';
import { ArtifactBrowser } from '../components/ArtifactBrowser';
import { SchemaTable } from '../components/SchemaTable';
import { parseMlModel } from '../lib/mlmodel';
import { LineChart } from '../charts/LineChart';
import { ChartControls, useChartSettings } from '../charts/ChartsView';

// #/runs/<id>: find the run's experiment and open it there (MLflow's short link).
export function RunRedirect({ runId, rest }: { runId: string; rest: string[] }) {
  const state = useAsync(() => api.getRun(runId), [runId]);
  useEffect(() => {
    if (state.data) navigate(href(['experiments', state.data.run.info.experiment_id, 'runs', runId, ...rest]), true);
  }, [state.data, runId, rest]);
  if (state.error) return <div className="page"><RunError error={state.error} runId={runId} /></div>;
  return <Loading what="run" />;
}

function RunError({ error, runId }: { error: unknown; runId: string }) {
  if (error instanceof ApiError && (error.code === 'RESOURCE_DOES_NOT_EXIST' || error.status === 404)) {
    return (
      <Empty title="Run not found">
        <p>No run with ID <code>{runId}</code> exists on this server.</p>
        <a href="#/experiments">Back to the experiments</a>
      </Empty>
    );
  }
  return <ErrorBox error={error} />;
}

export function RunPage({ experimentId, runId, tab, artifactPath }: { experimentId: string; runId: string; tab: string; artifactPath: string }) {
  const state = useAsync(() => api.getRun(runId).then((r) => r.run), [runId]);
  const exp = useAsync(() => api.getExperiment(experimentId).then((r) => r.experiment).catch(() => undefined), [experimentId]);
  const [modal, setModal] = useState<null | 'rename' | 'delete' | 'register'>(null);
  const run = state.data;
  // Live: a running run's page refreshes its values every 10 seconds.
  useEffect(() => {
    if (run?.info.status !== 'RUNNING') return;
    const t = setInterval(() => api.getRun(runId).then((r) => state.setData(r.run), () => undefined), 10000);
    return () => clearInterval(t);
  }, [run?.info.status, runId]); // eslint-disable-line react-hooks/exhaustive-deps
  if (state.error) return <div className="page"><RunError error={state.error} runId={runId} /></div>;
  if (!run) return <Loading what="run" />;
  const base = ['experiments', experimentId, 'runs', runId];
  const tabs = [
    { key: 'overview', label: 'Overview', href: href(base) },
    { key: 'model-metrics', label: 'Model metrics', href: href([...base, 'model-metrics']) },
    { key: 'system-metrics', label: 'System metrics', href: href([...base, 'system-metrics']) },
    { key: 'artifacts', label: 'Artifacts', href: href([...base, 'artifacts']) },
  ];
  const activeTab = tabs.some((t) => t.key === tab) ? tab : 'overview';
  const deleted = run.info.lifecycle_stage === 'deleted';
  return (
    <div className="page">
      <Breadcrumbs items={[{ label: 'Experiments', href: '#/experiments' }, { label: exp.data?.name ?? `Experiment ${experimentId}`, href: href(['experiments', experimentId]) }]} />
      <div className="page-header">
        <span className="color-dot" style={{ background: runColor(runId), width: 14, height: 14 }} />
        <h1 data-testid="run-title">{runName(run)}</h1>
        <StatusBadge status={run.info.status} />
        {deleted && <span className="badge red">Deleted</span>}
        <div className="spacer" />
        <button onClick={() => setModal('register')}>Register model</button>
        <button onClick={() => setModal('rename')}>Rename</button>
        {deleted
          ? <button onClick={async () => { await api.restoreRun(runId); state.reload(); }}>Restore</button>
          : <button className="danger" onClick={() => setModal('delete')}>Delete</button>}
      </div>
      <Tabs tabs={tabs} active={activeTab} />
      {activeTab === 'overview' && <Overview run={run} reload={state.reload} />}
      {activeTab === 'model-metrics' && <RunMetricCharts run={run} system={false} />}
      {activeTab === 'system-metrics' && <RunMetricCharts run={run} system />}
      {activeTab === 'artifacts' && (
        <ArtifactBrowser
          list={async (p) => (await api.listArtifacts(runId, p)).files ?? []}
          fileUrl={(p) => artifactUrl(runId, p)}
          selected={artifactPath}
          onSelect={(p) => navigate(href([...base, 'artifacts', ...p.split('/')]), true)}
          extra={(p, isDir) => <ArtifactExtra run={run} path={p} isDir={isDir} onRegister={() => setModal('register')} />}
        />
      )}
      {modal === 'rename' && (
        <FormModal title="Rename run" submitLabel="Save" onClose={() => setModal(null)}
          fields={[{ name: 'name', label: 'Run name', initial: runName(run), required: true }]}
          onSubmit={async (v) => { await api.updateRun(runId, { run_name: v.name.trim() }); state.reload(); }} />
      )}
      {modal === 'delete' && (
        <ConfirmModal title="Delete run" confirmLabel="Delete" message={`Delete run ${runName(run)}? It can be restored from the Deleted filter.`}
          onClose={() => setModal(null)} onConfirm={async () => { await api.deleteRun(runId); state.reload(); }} />
      )}
      {modal === 'register' && <RegisterModelModal run={run} path={activeTab === 'artifacts' ? artifactPath : undefined} onClose={() => setModal(null)} />}
    </div>
  );
}

function ArtifactExtra({ run, path, isDir, onRegister }: { run: Run; path: string; isDir: boolean; onRegister: () => void }) {
  const isModel = runModels(run).some((m) => m.path === path) || (!isDir && path.endsWith('MLmodel'));
  const modelPath = path.endsWith('MLmodel') ? path.slice(0, -'MLmodel'.length).replace(/\/$/, '') : path;
  const info = useAsync(async () => {
    if (!isModel) return undefined;
    const res = await fetch(artifactUrl(run.info.run_id, modelPath ? `${modelPath}/MLmodel` : 'MLmodel'));
    return res.ok ? parseMlModel(await res.text()) : undefined;
  }, [run.info.run_id, modelPath, isModel]);
  if (!isModel) return null;
  return (
    <div className="card" style={{ marginBottom: 12 }}>
      <div className="row" style={{ marginBottom: 6 }}>
        <b>MLflow model</b>
        <div className="spacer" />
        <button className="small primary" onClick={onRegister}>Register model</button>
      </div>
      <div className="muted small">Load it in Python:</div>
      <pre className="code-view">{`import mlflow\nmodel = mlflow.pyfunc.load_model("runs:/${run.info.run_id}/${modelPath}")\nmodel.predict(data)`}</pre>
      {info.data && info.data.flavors.length > 0 && (
        <div className="row wrap" style={{ marginTop: 10 }}><span className="muted">Flavors:</span>{info.data.flavors.map((f) => <span key={f} className="badge">{f}</span>)}</div>
      )}
      {info.data && (info.data.inputs || info.data.outputs) && (
        <div className="split" style={{ marginTop: 10 }} data-testid="model-signature">
          <SchemaTable title="Inputs" fields={info.data.inputs} />
          <SchemaTable title="Outputs" fields={info.data.outputs} />
        </div>
      )}
    </div>
  );
}

export function RegisterModelModal({ run, path, onClose }: { run: Run; path?: string; onClose: () => void }) {
  const models = runModels(run);
  const defaultPath = path || models.find((m) => m.path)?.path || '';
  const existing = useAsync(() => api.searchModels({ max_results: 1000 }).then((r) => r.registered_models ?? []), []);
  return (
    <FormModal title="Register model" submitLabel="Register" onClose={onClose}
      fields={[
        { name: 'name', label: `Model name${existing.data?.length ? ` (existing: ${existing.data.slice(0, 5).map((m) => m.name).join(', ')}${existing.data.length > 5 ? ', ...' : ''})` : ''}`, required: true },
        { name: 'path', label: 'Artifact path of the model in this run', initial: defaultPath, required: true },
      ]}
      onSubmit={async (v) => {
        const name = v.name.trim();
        if (!existing.data?.some((m) => m.name === name)) {
          try {
            await api.createModel(name);
          } catch (e) {
            if (!(e instanceof ApiError && e.code === 'RESOURCE_ALREADY_EXISTS')) throw e;
          }
        }
        const source = `${run.info.artifact_uri}/${v.path.trim().replace(/^\/+/, '')}`;
        const mv = await api.createVersion(name, source, run.info.run_id);
        navigate(href(['models', name, 'versions', mv.model_version.version]));
      }} />
  );
}

function Overview({ run, reload }: { run: Run; reload: () => void }) {
  const ix = indexRun(run);
  const tags = run.data.tags ?? [];
  const parent = ix.tags.get('mlflow.parentRunId');
  const source = ix.tags.get('mlflow.source.name');
  const commit = ix.tags.get('mlflow.source.git.commit');
  const [showSystem, setShowSystem] = useState(false);
  const children = useAsync(
    () => api.searchRuns({ experiment_ids: [run.info.experiment_id], filter: `tags.mlflow.parentRunId = '${run.info.run_id}'`, max_results: 100 }).then((r) => r.runs ?? []),
    [run.info.run_id]);
  const versions = useAsync(() => api.searchVersions(`run_id = '${run.info.run_id}'`, 100).then((r) => r.model_versions ?? []).catch(() => []), [run.info.run_id]);
  const setTag = async (k: string, v: string) => { await api.setTag(run.info.run_id, k, v); reload(); };
  const delTag = async (k: string) => { await api.deleteTag(run.info.run_id, k); reload(); };
  return (
    <div className="col" style={{ gap: 20 }}>
      <div className="section">
        <h2>Description</h2>
        <DescriptionEditor value={ix.tags.get('mlflow.note.content') ?? ''} onSave={(v) => setTag('mlflow.note.content', v)} placeholder="No description. Markdown is supported." />
      </div>
      <div className="split">
        <div className="section">
          <h2>Details</h2>
          <div className="kv" data-testid="run-details">
            <div>Run ID</div><div className="mono">{run.info.run_id}</div>
            <div>Experiment ID</div><div><a href={href(['experiments', run.info.experiment_id])}>{run.info.experiment_id}</a></div>
            <div>Status</div><div><StatusBadge status={run.info.status} /></div>
            <div>Created at</div><div>{formatTime(run.info.start_time)}</div>
            <div>Ended at</div><div>{formatTime(run.info.end_time) || '-'}</div>
            <div>Duration</div><div>{formatDuration(run.info.start_time, run.info.end_time) || '-'}</div>
            <div>Created by</div><div>{ix.tags.get('mlflow.user') ?? run.info.user_id ?? '-'}</div>
            <div>Source</div><div className="ellipsis" title={source}>{source ?? '-'}{commit && <span className="mono muted"> @ {commit.slice(0, 10)}</span>}</div>
            {parent && <><div>Parent run</div><div><a href={href(['runs', parent])}>{parent}</a></div></>}
            <div>Artifact location</div><div className="mono ellipsis" title={run.info.artifact_uri}>{run.info.artifact_uri}</div>
          </div>
        </div>
        <div className="col" style={{ gap: 16 }}>
          {(run.inputs?.dataset_inputs?.length ?? 0) > 0 && (
            <div>
              <h3>Datasets</h3>
              <div className="row wrap">
                {run.inputs!.dataset_inputs!.map((d, i) => (
                  <span key={i} className="badge" title={d.dataset.source}>{d.dataset.name} ({d.dataset.digest}){d.tags?.find((t) => t.key === 'mlflow.data.context') ? ` · ${d.tags.find((t) => t.key === 'mlflow.data.context')!.value}` : ''}</span>
                ))}
              </div>
            </div>
          )}
          {runModels(run).length > 0 && (
            <div>
              <h3>Logged models</h3>
              <div className="row wrap">
                {runModels(run).map((m) => (
                  <a key={m.label} className="badge blue" href={m.modelId ? href(['experiments', run.info.experiment_id, 'models', m.modelId]) : href(['experiments', run.info.experiment_id, 'runs', run.info.run_id, 'artifacts', ...(m.path ?? '').split('/')])}>{m.label}</a>
                ))}
              </div>
            </div>
          )}
          {(versions.data?.length ?? 0) > 0 && (
            <div>
              <h3>Registered model versions</h3>
              <div className="row wrap">
                {versions.data!.map((v) => <a key={`${v.name}/${v.version}`} className="badge blue" href={href(['models', v.name, 'versions', v.version])}>{v.name} v{v.version}</a>)}
              </div>
            </div>
          )}
          {(children.data?.length ?? 0) > 0 && (
            <div>
              <h3>Child runs ({children.data!.length})</h3>
              <div className="col" style={{ gap: 2 }}>
                {children.data!.map((c) => (
                  <a key={c.info.run_id} href={href(['experiments', c.info.experiment_id, 'runs', c.info.run_id])} className="row">
                    <span className="color-dot" style={{ background: runColor(c.info.run_id) }} />{runName(c)}
                  </a>
                ))}
              </div>
            </div>
          )}
        </div>
      </div>
      <div className="split">
        <KeyValueSection title="Parameters" rows={(run.data.params ?? []).map((p) => [p.key, p.value])} testId="params-table" />
        <KeyValueSection title="Metrics" testId="metrics-table"
          rows={(run.data.metrics ?? []).map((m) => [m.key, formatNumber(m.value)])}
          link={(k) => href(['experiments', run.info.experiment_id, 'runs', run.info.run_id, k.startsWith('system/') ? 'system-metrics' : 'model-metrics'], { metric: k })} />
      </div>
      <div className="section">
        <div className="section-title">
          <h2 style={{ margin: 0 }}>Tags</h2>
          <label className="check small muted"><input type="checkbox" checked={showSystem} onChange={(e) => setShowSystem(e.target.checked)} /> Show system tags</label>
        </div>
        <TagsEditor tags={tags} onSet={setTag} onDelete={delTag} hidden={(k) => !showSystem && k.startsWith('mlflow.')} />
      </div>
    </div>
  );
}

function KeyValueSection({ title, rows, link, testId }: { title: string; rows: [string, string][]; link?: (k: string) => string; testId: string }) {
  const [q, setQ] = useState('');
  const shown = rows.filter(([k, v]) => !q || k.toLowerCase().includes(q.toLowerCase()) || v.toLowerCase().includes(q.toLowerCase()));
  return (
    <div className="section">
      <div className="section-title">
        <h2 style={{ margin: 0 }}>{title} <span className="muted small">({rows.length})</span></h2>
        <div className="spacer" />
        {rows.length > 5 && <input type="search" placeholder={`Search ${title.toLowerCase()}`} value={q} onChange={(e) => setQ(e.target.value)} style={{ height: 28 }} />}
      </div>
      {rows.length === 0 ? <div className="muted">No {title.toLowerCase()}</div> : (
        <div style={{ maxHeight: 420, overflow: 'auto', border: '1px solid var(--border-light)', borderRadius: 6 }}>
          <table className="grid" data-testid={testId}>
            <thead><tr><th style={{ width: '45%' }}>Key</th><th>Value</th></tr></thead>
            <tbody>
              {shown.map(([k, v]) => (
                <tr key={k}>
                  <td className="mono">{link ? <a href={link(k)}>{k}</a> : k}</td>
                  <td style={{ wordBreak: 'break-word' }}>{v}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}

// Full history of one metric of one run (every page of get-history), min/max-downsampled to the
// chart's width so spikes survive and 100,000 points draw as fast as 2,000.
async function fullHistory(runId: string, key: string): Promise<Metric[]> {
  return allPages(async (token) => {
    const r = await api.metricHistory(runId, key, token);
    return { items: r.metrics ?? [], next: r.next_page_token };
  }, 10_000_000);
}

function RunMetricCharts({ run, system }: { run: Run; system: boolean }) {
  const settings = useChartSettings();
  const focus = useRoute().query.get('metric');
  const keys = useMemo(() => (run.data.metrics ?? []).map((m) => m.key).filter((k) => k.startsWith('system/') === system).sort(), [run, system]);
  if (!keys.length) return <Empty title={system ? 'No system metrics' : 'No metrics'}><p>{system ? 'System metrics (keys starting with system/) are logged with mlflow.enable_system_metrics_logging().' : 'Metrics logged with mlflow.log_metric() appear here.'}</p></Empty>;
  const ordered = focus && keys.includes(focus) ? [focus, ...keys.filter((k) => k !== focus)] : keys;
  return (
    <div>
      <ChartControls settings={settings} />
      <div className="chart-grid">
        {ordered.map((k) => <RunMetricCard key={k} run={run} metricKey={k} />)}
      </div>
    </div>
  );
}

function RunMetricCard({ run, metricKey }: { run: Run; metricKey: string }) {
  const settings = useChartSettings();
  const [tick, setTick] = useState(0);
  const hist = useAsync(() => fullHistory(run.info.run_id, metricKey), [run.info.run_id, metricKey, tick]);
  const running = run.info.status === 'RUNNING';
  useEffect(() => {
    if (!running) return;
    const t = setInterval(() => setTick((x) => x + 1), 5000);
    return () => clearInterval(t);
  }, [running]);
  const series = useMemo(() => {
    if (!hist.data?.length) return [];
    const pts = settings.xMode === 'step' ? [...hist.data].sort((a, b) => Number(a.step) - Number(b.step) || a.timestamp - b.timestamp) : [...hist.data].sort((a, b) => a.timestamp - b.timestamp);
    const t0 = run.info.start_time ?? pts[0].timestamp;
    const xs = pts.map((p) => (settings.xMode === 'step' ? Number(p.step) : settings.xMode === 'time' ? p.timestamp / 1000 : (p.timestamp - t0) / 1000));
    const ys = pts.map((p) => Number(p.value));
    const keep = settings.logX && settings.xMode !== 'time';
    const d = minMaxDownsample(keep ? xs.filter((x) => x > 0) : xs, keep ? ys.filter((_, i) => xs[i] > 0) : ys, 1000);
    let outYs: (number | null)[] = settings.smoothing > 0 ? emaSmooth(d.ys, settings.smoothing) : d.ys;
    if (settings.logY) outYs = outYs.map((y) => (y !== null && y > 0 ? y : null));
    return [{ id: run.info.run_id, label: runName(run), color: runColor(run.info.run_id), xs: d.xs, ys: outYs }];
  }, [hist.data, settings, run]);
  const last = hist.data?.length ? hist.data[hist.data.length - 1] : undefined;
  return (
    <div className="chart-card" data-metric={metricKey}>
      <h3>
        <span className="ellipsis">{metricKey}</span>
        {hist.data && <span className="muted small">{hist.data.length.toLocaleString()} points</span>}
        {running && <span className="badge blue">live</span>}
      </h3>
      {hist.error ? <ErrorBox error={hist.error} /> : !hist.data ? (
        <div className="chart-box"><div className="state"><Spinner /></div></div>
      ) : hist.data.length === 1 && last ? (
        <div className="chart-box"><div className="state" style={{ flexDirection: 'column' }}>
          <div style={{ fontSize: 32, fontWeight: 600, color: 'var(--text)' }}>{formatNumber(last.value)}</div>
          <div>single value at step {last.step}</div>
        </div></div>
      ) : (
        <LineChart series={series} xMode={settings.xMode} logY={settings.logY} logX={settings.logX && settings.xMode !== 'time'} showPoints={settings.showPoints}
          xLabel={settings.xMode === 'step' ? 'step' : settings.xMode === 'time' ? 'time' : 'relative time'} />
      )}
    </div>
  );
}
