import { ReactNode, useMemo, useState } from 'react';
import { api, Run } from '../lib/api';
import { runColor } from '../lib/colors';
import { indexRun, runName } from '../lib/columns';
import { formatDuration, formatNumber, formatTime } from '../lib/format';
import { href, setQuery, useRoute } from '../lib/router';
import { useAsync } from '../lib/useAsync';
import { Breadcrumbs, Empty, ErrorBox, Loading, StatusBadge, Tabs } from '../components/common';
import { ChartsView } from '../charts/ChartsView';
import { Dim, ParallelCoordinates } from '../charts/ParallelCoordinates';
import { ScatterPlot } from '../charts/ScatterPlot';

function parseList(v: string | null): string[] {
  if (!v) return [];
  try {
    const a = JSON.parse(v);
    return Array.isArray(a) ? a.map(String) : [];
  } catch {
    return v.split(',').map((s) => s.trim()).filter(Boolean);
  }
}

// #/compare-runs?runs=["a","b"]&experiments=["1"] (MLflow's URL), tab kept in ?tab=.
export function ComparePage() {
  const q = useRoute().query;
  const runIds = parseList(q.get('runs'));
  const expIds = parseList(q.get('experiments'));
  const tab = q.get('tab') ?? 'table';
  const state = useAsync(async () => {
    const results = await Promise.allSettled(runIds.map((id) => api.getRun(id)));
    const runs = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value.run] : []));
    const missing = runIds.filter((_, i) => results[i].status === 'rejected');
    if (!runs.length && results.length) throw (results[0] as PromiseRejectedResult).reason;
    return { runs, missing };
  }, [runIds.join(',')]);
  if (!runIds.length) return <div className="page"><Empty title="No runs to compare"><p>Select two or more runs in an experiment's runs table and press Compare.</p></Empty></div>;
  if (state.error) return <div className="page"><ErrorBox error={state.error} onRetry={state.reload} /></div>;
  if (!state.data) return <Loading what="runs" />;
  const runs = state.data.runs;
  const tabHref = (t: string) => '#' + tabLink(t);
  return (
    <div className="page">
      <Breadcrumbs items={[{ label: 'Experiments', href: '#/experiments' }, ...(expIds.length === 1 ? [{ label: `Experiment ${expIds[0]}`, href: href(['experiments', expIds[0]]) }] : [])]} />
      <div className="page-header"><h1>Comparing {runs.length} runs</h1></div>
      {state.data.missing.length > 0 && <div className="error-box">Not found: {state.data.missing.join(', ')}</div>}
      <Tabs active={tab} tabs={[
        { key: 'table', label: 'Parameters & metrics', href: tabHref('table') },
        { key: 'charts', label: 'Metric charts', href: tabHref('charts') },
        { key: 'parallel', label: 'Parallel coordinates', href: tabHref('parallel') },
        { key: 'scatter', label: 'Scatter plot', href: tabHref('scatter') },
      ]} />
      {tab === 'table' && <CompareTables runs={runs} />}
      {tab === 'charts' && <ChartsView runs={runs} />}
      {tab === 'parallel' && <ParallelTab runs={runs} />}
      {tab === 'scatter' && <ScatterTab runs={runs} />}
    </div>
  );
}

function tabLink(tab: string): string {
  const h = window.location.hash.slice(1);
  const [path, qs] = h.split('?');
  const p = new URLSearchParams(qs ?? '');
  if (tab === 'table') p.delete('tab');
  else p.set('tab', tab);
  return `${path}?${p.toString()}`;
}

function RunHeaderCells({ runs }: { runs: Run[] }) {
  return (
    <>
      {runs.map((r) => (
        <th key={r.info.run_id} style={{ minWidth: 160 }}>
          <a href={href(['experiments', r.info.experiment_id, 'runs', r.info.run_id])} className="row">
            <span className="color-dot" style={{ background: runColor(r.info.run_id) }} />
            <span className="ellipsis">{runName(r)}</span>
          </a>
        </th>
      ))}
    </>
  );
}

function DiffTable({ title, runs, keys, get, onlyDiff, testId }: {
  title: string; runs: Run[]; keys: string[]; get: (r: Run, k: string) => string | undefined; onlyDiff: boolean; testId: string;
}) {
  const rows = keys.map((k) => {
    const vals = runs.map((r) => get(r, k));
    const differs = new Set(vals.map((v) => v ?? '\u0000')).size > 1;
    return { k, vals, differs };
  }).filter((r) => !onlyDiff || r.differs);
  return (
    <div className="section">
      <h2>{title} <span className="muted small">({rows.length})</span></h2>
      {rows.length === 0 ? <div className="muted">{onlyDiff ? 'No differences' : `No ${title.toLowerCase()}`}</div> : (
        <div style={{ overflow: 'auto' }}>
          <table className="grid" data-testid={testId}>
            <thead><tr><th style={{ minWidth: 180 }}>Key</th><RunHeaderCells runs={runs} /></tr></thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.k} className={r.differs ? 'diff' : ''}>
                  <td className="mono">{r.k}</td>
                  {r.vals.map((v, i) => <td key={i} style={{ wordBreak: 'break-word' }}>{v ?? <span className="muted">-</span>}</td>)}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}

function CompareTables({ runs }: { runs: Run[] }) {
  const [onlyDiff, setOnlyDiff] = useState(false);
  const keys = useMemo(() => {
    const p = new Set<string>(), m = new Set<string>(), t = new Set<string>();
    for (const r of runs) {
      for (const x of r.data.params ?? []) p.add(x.key);
      for (const x of r.data.metrics ?? []) m.add(x.key);
      for (const x of r.data.tags ?? []) if (!x.key.startsWith('mlflow.')) t.add(x.key);
    }
    const s = (x: Set<string>) => Array.from(x).sort();
    return { params: s(p), metrics: s(m), tags: s(t) };
  }, [runs]);
  const info: [string, (r: Run) => ReactNode][] = [
    ['Run ID', (r) => <span className="mono small">{r.info.run_id}</span>],
    ['Status', (r) => <StatusBadge status={r.info.status} />],
    ['Start time', (r) => formatTime(r.info.start_time)],
    ['Duration', (r) => formatDuration(r.info.start_time, r.info.end_time)],
  ];
  return (
    <div>
      <label className="check" style={{ marginBottom: 12 }}>
        <input type="checkbox" checked={onlyDiff} onChange={(e) => setOnlyDiff(e.target.checked)} /> Show only differences
      </label>
      <div className="section" style={{ overflow: 'auto' }}>
        <table className="grid">
          <thead><tr><th style={{ minWidth: 180 }}>Run</th><RunHeaderCells runs={runs} /></tr></thead>
          <tbody>{info.map(([label, f]) => <tr key={label}><td className="muted">{label}</td>{runs.map((r) => <td key={r.info.run_id}>{f(r)}</td>)}</tr>)}</tbody>
        </table>
      </div>
      <DiffTable title="Parameters" runs={runs} keys={keys.params} onlyDiff={onlyDiff} get={(r, k) => indexRun(r).params.get(k)} testId="compare-params" />
      <DiffTable title="Metrics" runs={runs} keys={keys.metrics} onlyDiff={onlyDiff} testId="compare-metrics"
        get={(r, k) => { const v = indexRun(r).metrics.get(k); return v === undefined ? undefined : formatNumber(v); }} />
      <DiffTable title="Tags" runs={runs} keys={keys.tags} onlyDiff={onlyDiff} get={(r, k) => indexRun(r).tags.get(k)} testId="compare-tags" />
    </div>
  );
}

function allDims(runs: Run[]): Dim[] {
  const p = new Set<string>(), m = new Set<string>();
  for (const r of runs) {
    for (const x of r.data.params ?? []) p.add(x.key);
    for (const x of r.data.metrics ?? []) m.add(x.key);
  }
  return [...Array.from(p).sort().map((key): Dim => ({ kind: 'params', key })), ...Array.from(m).sort().map((key): Dim => ({ kind: 'metrics', key }))];
}

const dimId = (d: Dim) => `${d.kind}:${d.key}`;
const fromId = (s: string): Dim => ({ kind: s.startsWith('metrics:') ? 'metrics' : 'params', key: s.slice(s.indexOf(':') + 1) });

function ParallelTab({ runs }: { runs: Run[] }) {
  const dims = useMemo(() => allDims(runs), [runs]);
  const q = useRoute().query;
  const chosen = q.get('dims') ? q.get('dims')!.split('|').filter(Boolean).map(fromId) : dims.slice(0, 6);
  const chosenIds = new Set(chosen.map(dimId));
  return (
    <div className="col">
      <div className="row wrap">
        {dims.map((d) => (
          <label key={dimId(d)} className="check small">
            <input type="checkbox" checked={chosenIds.has(dimId(d))} onChange={(e) => {
              const next = e.target.checked ? [...chosen, d] : chosen.filter((c) => dimId(c) !== dimId(d));
              setQuery({ dims: next.map(dimId).join('|') });
            }} />
            <span className="muted">{d.kind === 'params' ? 'param' : 'metric'}</span> {d.key}
          </label>
        ))}
      </div>
      <ParallelCoordinates runs={runs} dims={chosen} />
    </div>
  );
}

function ScatterTab({ runs }: { runs: Run[] }) {
  const dims = useMemo(() => allDims(runs), [runs]);
  const q = useRoute().query;
  const x = q.get('x') ? fromId(q.get('x')!) : dims[0];
  const y = q.get('y') ? fromId(q.get('y')!) : dims.find((d) => d.kind === 'metrics') ?? dims[1];
  if (!x || !y) return <div className="muted">These runs have no params or metrics to plot.</div>;
  const picker = (label: string, value: Dim, key: 'x' | 'y') => (
    <label className="row">
      <span className="muted">{label}</span>
      <select value={dimId(value)} onChange={(e) => setQuery({ [key]: e.target.value })} aria-label={`${label} axis`}>
        {dims.map((d) => <option key={dimId(d)} value={dimId(d)}>{d.kind === 'params' ? 'param' : 'metric'}: {d.key}</option>)}
      </select>
    </label>
  );
  return (
    <div className="col">
      <div className="row wrap">{picker('X', x, 'x')}{picker('Y', y, 'y')}</div>
      <ScatterPlot runs={runs} x={x} y={y} />
    </div>
  );
}
