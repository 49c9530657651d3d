// The chart grid: a card per metric of the shown runs (added automatically the first time a metric
// is seen), plus the scatter and parallel-coordinates charts the user adds. Charts can be edited,
// deleted, dragged to another place and resized; the layout is kept per experiment in localStorage
// (layoutKey). The global x-axis, smoothing, log scale and point budget live in the URL so a view
// can be shared. A runs list beside the grid highlights a run in every chart on hover.
import { ReactNode, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { Run } from '../lib/api';
import { runColor } from '../lib/colors';
import { indexRun, runName } from '../lib/columns';
import { setHoveredRun, useHoveredRun } from '../lib/hover';
import { setQuery, useRoute } from '../lib/router';
import { parseXAxis } from '../lib/xaxis';
import {
  ChartConfig, ChartLayout, ChartType, clampSize, DEFAULT_HEIGHT, loadLayout, MAX_SPAN, moveChart, newChartId, reconcile,
  removeChart, saveLayout, sections, upsertChart,
} from '../lib/chartLayout';
import { Empty, Modal } from '../components/common';
import { BarChart, ChartSettings, MetricChartCard } from './MetricChartCard';
import { allDims, Dim, dimFromId, dimId, ParallelCoordinates } from './ParallelCoordinates';
import { ScatterPlot } from './ScatterPlot';
import type { XMode } from './LineChart';

// allowMetricX: pages whose charts can put another metric on the x-axis (the grid); elsewhere a
// metric x-axis in the URL falls back to steps.
export function useChartSettings(allowMetricX = false): ChartSettings {
  const q = useRoute().query;
  const x = parseXAxis(q.get('x_axis'));
  const xMode: XMode = x.mode === 'metric' && !allowMetricX ? 'step' : x.mode;
  const xMetric = x.mode === 'metric' ? x.key : undefined;
  return useMemo(() => ({
    xMode,
    xMetric: xMode === 'metric' ? xMetric : undefined,
    smoothing: Math.min(0.99, Math.max(0, Number(q.get('line_smoothness') ?? 0) || 0)),
    logY: q.get('y_axis_scale') === 'log',
    logX: q.get('x_axis_scale') === 'log',
    // 0 = automatic: the number of runs decides (see pointsPerRun).
    maxPoints: q.get('points') ? Math.min(2500, Math.max(50, Number(q.get('points')) || 0)) : 0,
    showPoints: q.get('show_points') === 'true',
  }), [xMode, xMetric, q.get('line_smoothness'), q.get('y_axis_scale'), q.get('x_axis_scale'), q.get('points'), q.get('show_points')]); // eslint-disable-line react-hooks/exhaustive-deps
}

export function ChartControls({ settings, metricKeys }: { settings: ChartSettings; metricKeys?: string[] }) {
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
        {metricKeys && metricKeys.length > 0 && (
          <select aria-label="X-axis metric" value={settings.xMode === 'metric' ? settings.xMetric : ''} className={settings.xMode === 'metric' ? 'on' : ''}
            onChange={(e) => setQuery({ x_axis: e.target.value ? `metric:${e.target.value}` : undefined })}>
            <option value="">or a metric…</option>
            {metricKeys.map((k) => <option key={k} value={k}>{k}</option>)}
          </select>
        )}
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
      <label className="check" title="Log scale on the x-axis (step, relative time or metric; points at 0 are left out)">
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

const LEGEND_MAX = 200;

// The charted runs, in their colours; hovering one highlights it in every chart, and the run
// hovered in a chart is marked here.
function RunLegend({ runs }: { runs: Run[] }) {
  const hovered = useHoveredRun();
  const shown = runs.slice(0, LEGEND_MAX);
  return (
    <div className="run-legend" aria-label="Charted runs" role="list">
      {shown.map((r) => {
        const id = r.info.run_id;
        return (
          <div key={id} role="listitem" className={`legend-item${hovered === id ? ' on' : ''}`} data-run-id={id}
            onMouseEnter={() => setHoveredRun(id)} onMouseLeave={() => setHoveredRun(null)}>
            <span className="color-dot" style={{ background: runColor(id) }} />
            <span className="ellipsis" title={runName(r)}>{runName(r)}</span>
          </div>
        );
      })}
      {runs.length > shown.length && <div className="muted small">+{runs.length - shown.length} more</div>}
    </div>
  );
}

const TYPE_LABEL: Record<ChartType, string> = { line: 'Line (metric history)', bar: 'Bar (latest value)', scatter: 'Scatter', parallel: 'Parallel coordinates' };

export function chartTitle(c: ChartConfig): string {
  if (c.type === 'scatter') return `${c.y ? dimFromId(c.y).key : '?'} vs ${c.x ? dimFromId(c.x).key : '?'}`;
  if (c.type === 'parallel') return `Parallel coordinates (${c.dims?.length ?? 0})`;
  return c.metric ?? '';
}

// Add or edit a chart: its type and what it plots.
function ChartEditor({ chart, runs, metricKeys, onSave, onClose }: {
  chart: ChartConfig | null; runs: Run[]; metricKeys: string[]; onSave: (c: ChartConfig) => void; onClose: () => void;
}) {
  const dims = useMemo(() => allDims(runs), [runs]);
  const firstMetric = dims.find((d) => d.kind === 'metrics');
  const [c, setC] = useState<ChartConfig>(() => chart ?? {
    id: newChartId(), type: 'line', metric: metricKeys[0], span: 1, height: DEFAULT_HEIGHT,
  });
  const set = (p: Partial<ChartConfig>) => setC((x) => ({ ...x, ...p }));
  const setType = (type: ChartType) => {
    if (type === 'scatter') set({ type, x: c.x ?? (dims[0] ? dimId(dims[0]) : undefined), y: c.y ?? (firstMetric ? dimId(firstMetric) : undefined) });
    else if (type === 'parallel') set({ type, dims: c.dims?.length ? c.dims : dims.slice(0, 6).map(dimId) });
    else set({ type, metric: c.metric ?? metricKeys[0] });
  };
  const rangeOk = c.yMin === undefined || c.yMax === undefined || c.yMin < c.yMax;
  const valid = !rangeOk ? false : c.type === 'scatter' ? !!(c.x && c.y) : c.type === 'parallel' ? (c.dims?.length ?? 0) >= 2 : !!c.metric;
  const dimSelect = (label: string, value: string | undefined, on: (v: string) => void) => (
    <label className="field">
      <span>{label}</span>
      <select aria-label={label} value={value ?? ''} onChange={(e) => on(e.target.value)}>
        {dims.map((d) => <option key={dimId(d)} value={dimId(d)}>{d.kind === 'params' ? 'param' : 'metric'}: {d.key}</option>)}
      </select>
    </label>
  );
  return (
    <Modal title={chart ? 'Edit chart' : 'Add chart'} onClose={onClose} footer={(
      <>
        <button onClick={onClose}>Cancel</button>
        <button className="primary" disabled={!valid} onClick={() => { onSave(c); onClose(); }}>{chart ? 'Save' : 'Add'}</button>
      </>
    )}>
      <div className="col" style={{ gap: 10 }}>
        <label className="field">
          <span>Chart type</span>
          <select aria-label="Chart type" value={c.type} onChange={(e) => setType(e.target.value as ChartType)}>
            {(Object.keys(TYPE_LABEL) as ChartType[]).map((t) => <option key={t} value={t}>{TYPE_LABEL[t]}</option>)}
          </select>
        </label>
        {(c.type === 'line' || c.type === 'bar') && (
          <label className="field">
            <span>Metric</span>
            <select aria-label="Metric" value={c.metric ?? ''} onChange={(e) => set({ metric: e.target.value })}>
              {metricKeys.map((k) => <option key={k} value={k}>{k}</option>)}
            </select>
          </label>
        )}
        {c.type === 'line' && (
          <div className="row">
            {(['yMin', 'yMax'] as const).map((k) => (
              <label key={k} className="field" style={{ flex: 1 }}>
                <span>{k === 'yMin' ? 'Y-axis min' : 'Y-axis max'} (empty: automatic)</span>
                <input type="number" step="any" aria-label={k === 'yMin' ? 'Y-axis min' : 'Y-axis max'} value={c[k] ?? ''}
                  onChange={(e) => set({ [k]: e.target.value === '' || !Number.isFinite(Number(e.target.value)) ? undefined : Number(e.target.value) })} />
              </label>
            ))}
          </div>
        )}
        {c.type === 'scatter' && (
          <>
            {dimSelect('X axis', c.x, (x) => set({ x }))}
            {dimSelect('Y axis', c.y, (y) => set({ y }))}
          </>
        )}
        {c.type === 'parallel' && (
          <div className="col" style={{ gap: 2, maxHeight: 260, overflow: 'auto' }} role="group" aria-label="Axes">
            {dims.map((d) => {
              const id = dimId(d);
              const on = c.dims?.includes(id) ?? false;
              return (
                <label key={id} className="check small">
                  <input type="checkbox" checked={on} onChange={(e) => set({ dims: e.target.checked ? [...(c.dims ?? []), id] : (c.dims ?? []).filter((x) => x !== id) })} />
                  <span className="muted">{d.kind === 'params' ? 'param' : 'metric'}</span> {d.key}
                </label>
              );
            })}
          </div>
        )}
      </div>
    </Modal>
  );
}

// Latest values of one metric as bars (no history fetch: the runs carry their latest values).
function LatestBarCard({ metric, runs, height, extra }: { metric: string; runs: Run[]; height: number; extra: ReactNode }) {
  const values = useMemo(() => {
    const m = new Map<string, number>();
    for (const r of runs) {
      const v = indexRun(r).metrics.get(metric);
      if (v !== undefined) m.set(r.info.run_id, v);
    }
    return m;
  }, [metric, runs]);
  return (
    <div className="chart-card" data-metric={metric}>
      <h3><span className="ellipsis" title={metric}>{metric}</span><span className="muted small">latest</span><span className="spacer" />{extra}</h3>
      {values.size ? <BarChart runs={runs} values={values} height={height} /> : <div className="chart-box"><div className="state">No data for the shown runs</div></div>}
    </div>
  );
}

function ChartBody({ chart, runs, settings, extra }: { chart: ChartConfig; runs: Run[]; settings: ChartSettings; extra: ReactNode }) {
  if (chart.type === 'line' && chart.metric) return <MetricChartCard metricKey={chart.metric} runs={runs} settings={settings} height={chart.height} extra={extra} yMin={chart.yMin} yMax={chart.yMax} />;
  if (chart.type === 'bar' && chart.metric) return <LatestBarCard metric={chart.metric} runs={runs} height={chart.height} extra={extra} />;
  const title = chartTitle(chart);
  let body: ReactNode;
  if (chart.type === 'scatter' && chart.x && chart.y) body = <ScatterPlot runs={runs} x={dimFromId(chart.x)} y={dimFromId(chart.y)} height={chart.height} />;
  else if (chart.type === 'parallel') body = <ParallelCoordinates runs={runs} dims={(chart.dims ?? []).map(dimFromId) as Dim[]} height={chart.height} />;
  else body = <div className="muted">This chart has nothing to plot: edit it.</div>;
  return (
    <div className="chart-card" data-chart-type={chart.type}>
      <h3><span className="ellipsis" title={title}>{title}</span><span className="spacer" />{extra}</h3>
      {body}
    </div>
  );
}

// One cell of the grid: drag it by its grip onto another chart to move it there; drag the corner
// to resize (width in grid columns, height in pixels).
function ChartCell({ chart, runs, settings, dragging, onDragStart, onDrop, onResize, onEdit, onDelete }: {
  chart: ChartConfig; runs: Run[]; settings: ChartSettings; dragging: string | null;
  onDragStart: (id: string | null) => void; onDrop: (target: string) => void;
  onResize: (id: string, span: number, height: number) => void; onEdit: (c: ChartConfig) => void; onDelete: (id: string) => void;
}) {
  const cellRef = useRef<HTMLDivElement>(null);
  const [over, setOver] = useState(false);
  const [live, setLive] = useState<{ span: number; height: number } | null>(null);
  const size = live ?? { span: chart.span, height: chart.height };
  const title = chartTitle(chart);
  const startResize = (e: React.PointerEvent) => {
    e.preventDefault();
    const cell = cellRef.current;
    const grid = cell?.parentElement;
    if (!cell || !grid) return;
    const cols = getComputedStyle(grid).gridTemplateColumns.split(' ').length || 1;
    const gap = 12;
    const colW = (grid.clientWidth - gap * (cols - 1)) / cols;
    const x0 = e.clientX;
    const y0 = e.clientY;
    const w0 = cell.offsetWidth;
    const h0 = chart.height;
    let cur = { span: chart.span, height: chart.height };
    const move = (ev: PointerEvent) => {
      cur = clampSize(Math.min(cols, Math.round((w0 + ev.clientX - x0 + gap) / (colW + gap))), h0 + ev.clientY - y0);
      setLive(cur);
    };
    const up = () => {
      window.removeEventListener('pointermove', move);
      window.removeEventListener('pointerup', up);
      setLive(null);
      onResize(chart.id, cur.span, cur.height);
    };
    window.addEventListener('pointermove', move);
    window.addEventListener('pointerup', up);
  };
  const extra = (
    <>
      <button className="link small" title="Edit the chart" aria-label={`Edit chart ${title}`} onClick={() => onEdit(chart)}>Edit</button>
      <button className="link small" title={size.span >= MAX_SPAN ? 'Normal width' : 'Full width'} onClick={() => onResize(chart.id, size.span >= MAX_SPAN ? 1 : MAX_SPAN, chart.height)}>
        {size.span >= MAX_SPAN ? 'Shrink' : 'Expand'}
      </button>
      <button className="link small danger" title="Delete the chart" aria-label={`Delete chart ${title}`} onClick={() => onDelete(chart.id)}>Delete</button>
    </>
  );
  return (
    <div ref={cellRef} className={`chart-cell${over && dragging && dragging !== chart.id ? ' drop-target' : ''}${dragging === chart.id ? ' dragging' : ''}`}
      style={{ gridColumn: `span ${size.span}` }} data-chart-id={chart.id} data-span={size.span} data-height={size.height} data-title={title}
      onDragOver={(e) => { if (dragging) { e.preventDefault(); setOver(true); } }}
      onDragLeave={() => setOver(false)}
      onDrop={(e) => { e.preventDefault(); setOver(false); onDrop(chart.id); }}>
      <div className="chart-grip" draggable aria-label={`Move chart ${title}`} title="Drag to move"
        onDragStart={(e) => { e.dataTransfer.setData('text/plain', chart.id); e.dataTransfer.effectAllowed = 'move'; onDragStart(chart.id); }}
        onDragEnd={() => onDragStart(null)}>⋮⋮</div>
      <ChartBody chart={{ ...chart, height: size.height }} runs={runs} settings={settings} extra={extra} />
      <div className="chart-resize" aria-label={`Resize chart ${title}`} title="Drag to resize" onPointerDown={startResize} />
    </div>
  );
}

export function ChartsView({ runs, keys, title, layoutKey }: { runs: Run[]; keys?: string[]; title?: string; layoutKey?: string }) {
  const settings = useChartSettings(true);
  const [search, setSearch] = useState('');
  const allKeys = useMemo(() => keys ?? metricKeysOf(runs), [keys, runs]);
  const [stored, setStored] = useState<ChartLayout | null>(() => (layoutKey ? loadLayout(layoutKey) : null));
  const layout = useMemo(() => reconcile(stored, allKeys), [stored, allKeys]);
  const update = useCallback((f: (l: ChartLayout) => ChartLayout) => setStored((s) => f(reconcile(s, allKeys))), [allKeys]);
  useEffect(() => {
    // Saved once the user changed something (an untouched automatic layout follows the metrics).
    if (layoutKey && stored) saveLayout(layoutKey, reconcile(stored, allKeys));
  }, [layoutKey, stored, allKeys]);
  const [editing, setEditing] = useState<ChartConfig | null | 'new'>(null);
  const [dragging, setDragging] = useState<string | null>(null);
  const hideEmpty = useRoute().query.get('hide_empty') === 'true';
  const present = useMemo(() => new Set(metricKeysOf(runs)), [runs]);
  const shown = useMemo(() => {
    // "Hide empty charts": a metric chart none of the shown runs has a value for.
    const charts = hideEmpty ? layout.charts.filter((c) => !c.metric || (c.type !== 'line' && c.type !== 'bar') || present.has(c.metric)) : layout.charts;
    if (!search) return charts;
    let test: (s: string) => boolean;
    try {
      const re = new RegExp(search, 'i');
      test = (s) => re.test(s);
    } catch {
      test = (s) => s.toLowerCase().includes(search.toLowerCase());
    }
    return charts.filter((c) => test(chartTitle(c)));
  }, [layout, search, hideEmpty, present]);
  const grouped = useMemo(() => sections(shown), [shown]);
  const onDrop = useCallback((target: string) => {
    if (dragging) update((l) => moveChart(l, dragging, target));
    setDragging(null);
  }, [dragging, update]);
  const onResize = useCallback((id: string, span: number, height: number) => update((l) => {
    const c = l.charts.find((x) => x.id === id);
    return c ? upsertChart(l, { ...c, ...clampSize(span, height) }) : l;
  }), [update]);
  const onDelete = useCallback((id: string) => update((l) => removeChart(l, id)), [update]);
  if (!runs.length) return <Empty title="No runs to chart"><p>Select runs in the table, show more runs in the charts ("Runs in charts"), or log some metrics.</p></Empty>;
  return (
    <div className="charts-layout">
      <RunLegend runs={runs} />
      <div className="charts-main">
        <div className="row wrap" style={{ marginBottom: 4 }}>
          {title && <span className="muted">{title}</span>}
          <div className="spacer" />
          <label className="check small" title="Hide the charts of metrics none of the shown runs has">
            <input type="checkbox" checked={hideEmpty} onChange={(e) => setQuery({ hide_empty: e.target.checked ? 'true' : undefined })} /> Hide empty charts
          </label>
          <button className="small" onClick={() => setEditing('new')}>Add chart</button>
          {stored && <button className="link small" title="Back to one chart per metric" onClick={() => { if (layoutKey) localStorage.removeItem(layoutKey); setStored(null); }}>Reset layout</button>}
          <input type="search" placeholder="Filter charts (regex)" value={search} onChange={(e) => setSearch(e.target.value)} aria-label="Filter charts" style={{ width: 240 }} />
        </div>
        <ChartControls settings={settings} metricKeys={allKeys} />
        {layout.charts.length === 0 && <Empty title="No charts"><p>{allKeys.length ? 'Add a chart to plot these runs.' : 'The shown runs have logged no metrics.'}</p></Empty>}
        {grouped.map(([sec, charts]) => (
          <div key={sec} className="section">
            <h2>{sec} <span className="muted small">({charts.length})</span></h2>
            <div className="chart-grid">
              {charts.map((c) => (
                <ChartCell key={c.id} chart={c} runs={runs} settings={settings} dragging={dragging} onDragStart={setDragging} onDrop={onDrop}
                  onResize={onResize} onEdit={setEditing} onDelete={onDelete} />
              ))}
            </div>
          </div>
        ))}
      </div>
      {editing && (
        <ChartEditor chart={editing === 'new' ? null : editing} runs={runs} metricKeys={allKeys} onClose={() => setEditing(null)}
          onSave={(c) => update((l) => upsertChart(l, c))} />
      )}
    </div>
  );
}
