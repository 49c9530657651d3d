// The chart grid: one card per metric of the shown runs, with the global x-axis, smoothing, log
// scale and point-budget controls (kept in the URL so a view can be shared), and a chart filter.
import { useMemo, useState } from 'react';
import type { Run } from '../lib/api';
import { setQuery, useRoute } from '../lib/router';
import { Empty } from '../components/common';
import { ChartSettings, MetricChartCard } from './MetricChartCard';
import type { XMode } from './LineChart';

export function useChartSettings(): ChartSettings {
  const q = useRoute().query;
  const x = q.get('x_axis');
  return useMemo(() => ({
    xMode: (x === 'time' || x === 'relative' ? x : 'step') as XMode,
    smoothing: Math.min(0.99, Math.max(0, Number(q.get('line_smoothness') ?? 0) || 0)),
    logY: q.get('y_axis_scale') === 'log',
    logX: q.get('x_axis_scale') === 'log',
    // 0 = automatic: the number of runs decides (see pointsPerRun).
    maxPoints: q.get('points') ? Math.min(2500, Math.max(50, Number(q.get('points')) || 0)) : 0,
    showPoints: q.get('show_points') === 'true',
  }), [x, q.get('line_smoothness'), q.get('y_axis_scale'), q.get('x_axis_scale'), q.get('points'), q.get('show_points')]); // eslint-disable-line react-hooks/exhaustive-deps
}

export function ChartControls({ settings }: { settings: ChartSettings }) {
  return (
    <div className="chart-controls">
      <label>
        X-axis
        <span className="segmented" role="group" aria-label="X-axis">
          {(['step', 'time', 'relative'] as XMode[]).map((m) => (
            <button key={m} className={settings.xMode === m ? 'on' : ''} onClick={() => setQuery({ x_axis: m === 'step' ? undefined : m })}>
              {m === 'step' ? 'Step' : m === 'time' ? 'Time' : 'Relative'}
            </button>
          ))}
        </span>
      </label>
      <label>
        Smoothing
        <input type="range" min={0} max={0.99} step={0.01} value={settings.smoothing} aria-label="Smoothing"
          onChange={(e) => setQuery({ line_smoothness: Number(e.target.value) > 0 ? e.target.value : undefined })} />
        <span style={{ width: 32 }}>{settings.smoothing.toFixed(2)}</span>
      </label>
      <label className="check">
        <input type="checkbox" checked={settings.logY} onChange={(e) => setQuery({ y_axis_scale: e.target.checked ? 'log' : undefined })} />
        Log scale
      </label>
      <label className="check" title="Log scale on the x-axis (step or relative time; points at 0 are left out)">
        <input type="checkbox" checked={settings.logX} disabled={settings.xMode === 'time'} onChange={(e) => setQuery({ x_axis_scale: e.target.checked ? 'log' : undefined })} />
        Log x
      </label>
      <label className="check">
        <input type="checkbox" checked={settings.showPoints} onChange={(e) => setQuery({ show_points: e.target.checked ? 'true' : undefined })} />
        Points
      </label>
      <label title="Points per run fetched for each chart (the server samples longer histories)">
        Points per run
        <select value={settings.maxPoints} onChange={(e) => setQuery({ points: e.target.value === '0' ? undefined : e.target.value })}>
          <option value={0}>auto</option>
          {[320, 1000, 2500].map((n) => <option key={n} value={n}>{n}</option>)}
        </select>
      </label>
    </div>
  );
}

export function metricKeysOf(runs: Run[]): string[] {
  const keys = new Set<string>();
  for (const r of runs) for (const m of r.data.metrics ?? []) keys.add(m.key);
  return Array.from(keys).sort((a, b) => a.localeCompare(b));
}

export function ChartsView({ runs, keys, title }: { runs: Run[]; keys?: string[]; title?: string }) {
  const settings = useChartSettings();
  const [search, setSearch] = useState('');
  const allKeys = useMemo(() => keys ?? metricKeysOf(runs), [keys, runs]);
  const shown = useMemo(() => {
    if (!search) return allKeys;
    try {
      const re = new RegExp(search, 'i');
      return allKeys.filter((k) => re.test(k));
    } catch {
      return allKeys.filter((k) => k.toLowerCase().includes(search.toLowerCase()));
    }
  }, [allKeys, search]);
  // Sections by metric prefix ("system/cpu" -> "system"), as MLflow groups them.
  const sections = useMemo(() => {
    const m = new Map<string, string[]>();
    for (const k of shown) {
      const slash = k.indexOf('/');
      const sec = slash > 0 ? k.slice(0, slash) : 'Model metrics';
      let l = m.get(sec);
      if (!l) m.set(sec, (l = []));
      l.push(k);
    }
    return Array.from(m.entries()).sort((a, b) => (a[0] === 'Model metrics' ? -1 : b[0] === 'Model metrics' ? 1 : a[0].localeCompare(b[0])));
  }, [shown]);
  if (!runs.length) return <Empty title="No runs to chart"><p>Select runs in the table, or log some metrics.</p></Empty>;
  return (
    <div>
      <div className="row wrap" style={{ marginBottom: 4 }}>
        {title && <span className="muted">{title}</span>}
        <div className="spacer" />
        <input type="search" placeholder="Filter charts (regex)" value={search} onChange={(e) => setSearch(e.target.value)} aria-label="Filter charts" style={{ width: 240 }} />
      </div>
      <ChartControls settings={settings} />
      {allKeys.length === 0 && <Empty title="No metrics"><p>The shown runs have logged no metrics.</p></Empty>}
      {sections.map(([sec, ks]) => (
        <div key={sec} className="section">
          <h2>{sec} <span className="muted small">({ks.length})</span></h2>
          <div className="chart-grid">
            {ks.map((k) => <MetricChartCard key={k} metricKey={k} runs={runs} settings={settings} />)}
          </div>
        </div>
      ))}
    </div>
  );
}
