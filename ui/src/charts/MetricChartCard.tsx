// One metric of many runs: fetched through get-history-bulk-interval (the server samples long
// histories down to `maxPoints` steps per run, keeping each run's first and last step), drawn when
// the card scrolls into view, refetched at full resolution for a zoomed step range, and polled
// while any of its runs is still running.
import { memo, ReactNode, useEffect, useMemo, useRef, useState } from 'react';
import { api, MetricWithRunId, Run } from '../lib/api';
import { runColor } from '../lib/colors';
import { runName } from '../lib/columns';
import { formatNumber } from '../lib/format';
import { emaSmooth } from '../lib/smoothing';
import { ErrorBox, Spinner } from '../components/common';
import { pairByStep } from '../lib/xaxis';
import { setHoveredRun, useHoveredRun } from '../lib/hover';
import { LineChart, LineSeries, XMode } from './LineChart';

// xMetric: the metric on the x-axis when xMode is 'metric'.
export interface ChartSettings { xMode: XMode; xMetric?: string; smoothing: number; logY: boolean; logX: boolean; maxPoints: number; showPoints: boolean }

const LIVE_POLL_MS = 5000;

function useInView<T extends Element>(): [React.RefObject<T>, boolean] {
  const ref = useRef<T>(null);
  const [seen, setSeen] = useState(false);
  useEffect(() => {
    const el = ref.current;
    if (!el || seen) return;
    if (typeof IntersectionObserver === 'undefined') {
      setSeen(true);
      return;
    }
    const io = new IntersectionObserver((es) => es.some((e) => e.isIntersecting) && setSeen(true), { rootMargin: '300px' });
    io.observe(el);
    return () => io.disconnect();
  }, [seen]);
  return [ref, seen];
}

// Points per run asked of the server: the chosen number, or automatically 1,000 for up to 50 runs
// and fewer beyond (about 50,000 points per chart), not under MLflow's 320 up to 1,000 runs. Past
// that ("Show all runs" of a big experiment) 320 a run would make millions of points to fetch and
// draw: the budget shrinks to about 320,000 points a chart (10,000 runs: 32 points a run).
export function pointsPerRun(chosen: number, runs: number): number {
  if (chosen > 0) return chosen;
  if (runs > 1000) return Math.max(10, Math.floor(320000 / runs));
  return Math.max(320, Math.min(1000, Math.floor(50000 / Math.max(1, runs))));
}

export async function fetchBulk(runIds: string[], key: string, maxPoints: number, range?: [number, number], signal?: AbortSignal) {
  // At most 100 runs a request (the endpoint's limit), and at least 4 requests for 4+ runs: the
  // server samples each request's runs one after another, so parallel requests use more cores.
  const size = Math.min(100, Math.max(1, Math.ceil(runIds.length / 4)));
  const chunks: string[][] = [];
  for (let i = 0; i < runIds.length; i += size) chunks.push(runIds.slice(i, i + size));
  const parts = await Promise.all(chunks.map((c) => api.bulkInterval(c, key, maxPoints, range, signal)));
  const byRun = new Map<string, MetricWithRunId[]>();
  for (const p of parts) {
    for (const m of p.metrics ?? []) {
      let list = byRun.get(m.run_id);
      if (!list) byRun.set(m.run_id, (list = []));
      list.push(m);
    }
  }
  return byRun;
}

export function toSeries(runs: Run[], byRun: Map<string, MetricWithRunId[]>, s: ChartSettings, xByRun?: Map<string, MetricWithRunId[]>): LineSeries[] {
  const out: LineSeries[] = [];
  for (const run of runs) {
    const pts = byRun.get(run.info.run_id);
    if (!pts?.length) continue;
    if (s.xMode === 'metric') {
      const pairs = pairByStep(pts, xByRun?.get(run.info.run_id) ?? []);
      if (!pairs.length) continue;
      const rawYs = pairs.map((p) => p.y);
      let ys: (number | null)[] = s.smoothing > 0 ? emaSmooth(rawYs, s.smoothing) : rawYs;
      if (s.logY) ys = ys.map((y) => (y !== null && y > 0 ? y : null));
      const keep = s.logX ? pairs.map((p) => p.x > 0) : null;
      const f = <T,>(a: T[]) => (keep ? a.filter((_, i) => keep[i]) : a);
      out.push({ id: run.info.run_id, label: runName(run), color: runColor(run.info.run_id), xs: f(pairs.map((p) => p.x)), ys: f(ys), steps: f(pairs.map((p) => p.step)) });
      continue;
    }
    const sorted = s.xMode === 'step' ? pts : [...pts].sort((a, b) => a.timestamp - b.timestamp || a.step - b.step);
    const t0 = run.info.start_time ?? sorted[0].timestamp;
    const xs = sorted.map((p) =>
      s.xMode === 'step' ? Number(p.step) : s.xMode === 'time' ? p.timestamp / 1000 : (p.timestamp - t0) / 1000);
    const rawYs = sorted.map((p) => (typeof p.value === 'number' ? p.value : Number(p.value)));
    let ys = s.smoothing > 0 ? emaSmooth(rawYs, s.smoothing) : rawYs;
    if (s.logY) ys = ys.map((y) => (y !== null && y > 0 ? y : null));
    // A log x-axis has no place for x <= 0 (step 0, the run's first second): those points are left out.
    const keep = s.logX && s.xMode !== 'time' ? xs.map((x) => x > 0) : null;
    out.push({
      id: run.info.run_id, label: runName(run), color: runColor(run.info.run_id),
      xs: keep ? xs.filter((_, i) => keep[i]) : xs, ys: keep ? ys.filter((_, i) => keep[i]) : ys,
      steps: s.xMode === 'step' ? undefined : (keep ? sorted.filter((_, i) => keep[i]) : sorted).map((p) => Number(p.step)),
    });
  }
  return out;
}

const BAR_ROW = 19;  // px: a 16 px bar and the gap under it

// Latest values as horizontal bars, a row per run. Only the rows in view are in the DOM, so a chart
// of 10,000 runs ("Show all runs") costs what a chart of 20 does.
export function BarChart({ runs, values, height = 260 }: { runs: Run[]; values: Map<string, number>; height?: number }) {
  const hovered = useHoveredRun();
  const [top, setTop] = useState(0);
  const rows = useMemo(() => runs.filter((r) => values.has(r.info.run_id)), [runs, values]);
  const [min, span] = useMemo(() => {
    let lo = 0;
    let hi = 0;
    for (const r of rows) {
      const v = values.get(r.info.run_id)!;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    return [lo, hi - lo || 1];
  }, [rows, values]);
  const first = Math.max(0, Math.floor(top / BAR_ROW) - 5);
  const last = Math.min(rows.length, Math.ceil((top + height) / BAR_ROW) + 5);
  const dim = hovered !== null && values.has(hovered);
  return (
    <div style={{ height, overflow: 'auto', paddingRight: 4 }} data-testid="bar-chart" data-series-count={rows.length}
      data-highlight={dim ? hovered : ''} onScroll={(e) => setTop(e.currentTarget.scrollTop)}>
      <div style={{ position: 'relative', height: rows.length * BAR_ROW }}>
        {rows.slice(first, last).map((r, k) => {
          const v = values.get(r.info.run_id)!;
          return (
            <div key={r.info.run_id} className="row small" title={`${runName(r)}: ${v}`}
              style={{ position: 'absolute', left: 0, right: 0, top: (first + k) * BAR_ROW, height: 16, opacity: dim && hovered !== r.info.run_id ? 0.35 : 1 }}
              onMouseEnter={() => setHoveredRun(r.info.run_id)} onMouseLeave={() => setHoveredRun(null)}>
              <span className="ellipsis" style={{ width: 120, flex: 'none' }}>{runName(r)}</span>
              <div style={{ flex: 1, position: 'relative', height: 16 }}>
                <div style={{ position: 'absolute', left: `${((Math.min(v, 0) - min) / span) * 100}%`, width: `${(Math.abs(v) / span) * 100}%`,
                  height: '100%', background: runColor(r.info.run_id), borderRadius: 2, minWidth: 1 }} />
              </div>
              <span style={{ width: 70, textAlign: 'right', flex: 'none' }}>{formatNumber(v)}</span>
            </div>
          );
        })}
      </div>
    </div>
  );
}

function download(name: string, href: string) {
  const a = document.createElement('a');
  a.href = href;
  a.download = name;
  a.click();
}

export function exportPng(card: HTMLElement | null, key: string) {
  const canvas = card?.querySelector('canvas');
  if (!canvas) return;
  // The canvas is transparent: paint the page background under it for a readable file.
  const out = document.createElement('canvas');
  out.width = canvas.width;
  out.height = canvas.height;
  const ctx = out.getContext('2d')!;
  ctx.fillStyle = getComputedStyle(document.documentElement).getPropertyValue('--bg').trim() || '#fff';
  ctx.fillRect(0, 0, out.width, out.height);
  ctx.drawImage(canvas, 0, 0);
  download(`${key.replace(/[^\w.-]+/g, '_')}.png`, out.toDataURL('image/png'));
}

export function exportCsv(series: { label: string; xs: number[]; ys: (number | null)[] }[], key: string, xMode: string) {
  const lines = [`run,${xMode},${key}`];
  for (const s of series) for (let i = 0; i < s.xs.length; i++) lines.push(`${JSON.stringify(s.label)},${s.xs[i]},${s.ys[i] ?? ''}`);
  const url = URL.createObjectURL(new Blob([lines.join('\n') + '\n'], { type: 'text/csv' }));
  download(`${key.replace(/[^\w.-]+/g, '_')}.csv`, url);
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

export const MetricChartCard = memo(function MetricChartCard({ metricKey, runs, settings, height = 260, extra, yMin, yMax }: {
  metricKey: string; runs: Run[]; settings: ChartSettings; height?: number; extra?: ReactNode; yMin?: number; yMax?: number;
}) {
  const [ref, inView] = useInView<HTMLDivElement>();
  const [data, setData] = useState<Map<string, MetricWithRunId[]>>();
  const [xData, setXData] = useState<Map<string, MetricWithRunId[]>>();
  const [error, setError] = useState<unknown>();
  const [range, setRange] = useState<[number, number] | null>(null);
  const [tick, setTick] = useState(0);
  const runIds = useMemo(() => runs.map((r) => r.info.run_id), [runs]);
  const anyRunning = runs.some((r) => r.info.status === 'RUNNING');

  useEffect(() => {
    if (!inView || !runIds.length) return;
    const ctrl = new AbortController();
    const stepRange: [number, number] | undefined =
      range && settings.xMode === 'step' ? [Math.max(0, Math.floor(range[0])), Math.ceil(range[1])] : undefined;
    const validRange = stepRange && stepRange[1] > stepRange[0] ? stepRange : undefined;
    const n = pointsPerRun(settings.maxPoints, runIds.length);
    const xKey = settings.xMode === 'metric' ? settings.xMetric : undefined;
    // With another metric on the x-axis, both histories are sampled at the same steps.
    Promise.all([
      fetchBulk(runIds, metricKey, n, validRange, ctrl.signal),
      xKey ? fetchBulk(runIds, xKey, n, validRange, ctrl.signal) : Promise.resolve(undefined),
    ]).then(
      ([d, x]) => {
        performance.mark(`mlflow-cpp:bulk-loaded:${metricKey}`);
        setXData(x);
        setData(d);
        setError(undefined);
      },
      (e: Error) => e.name !== 'AbortError' && setError(e),
    );
    return () => ctrl.abort();
  }, [inView, runIds, metricKey, settings.maxPoints, settings.xMode, settings.xMetric, range, tick]);

  useEffect(() => {
    if (!inView || !anyRunning) return;
    const t = setInterval(() => setTick((x) => x + 1), LIVE_POLL_MS);
    return () => clearInterval(t);
  }, [inView, anyRunning]);

  const series = useMemo(() => (data ? toSeries(runs, data, settings, xData) : []), [data, xData, runs, settings]);
  const singleStep = data !== undefined && series.length > 0 && series.every((s) => s.xs.length <= 1);
  const barValues = useMemo(() => {
    const m = new Map<string, number>();
    if (singleStep) for (const s of series) if (s.ys[0] !== null) m.set(s.id, s.ys[0] as number);
    return m;
  }, [singleStep, series]);

  return (
    <div className="chart-card" ref={ref} data-metric={metricKey}>
      <h3>
        <span className="ellipsis" title={metricKey}>{metricKey}</span>
        {anyRunning && <span className="badge blue" title="Refreshing every 5 seconds">live</span>}
        {range && <button className="link small" onClick={() => setRange(null)}>reset zoom</button>}
        <span className="spacer" />
        {series.length > 0 && !singleStep && (
          <>
            <button className="link small" title="Download the chart as PNG" onClick={() => exportPng(ref.current, metricKey)}>PNG</button>
            <button className="link small" title="Download the plotted points as CSV" onClick={() => exportCsv(series, metricKey, settings.xMode)}>CSV</button>
          </>
        )}
        {extra}
      </h3>
      {error !== undefined ? (
        <ErrorBox error={error} onRetry={() => setTick((x) => x + 1)} />
      ) : !data ? (
        <div className="chart-box"><div className="state"><Spinner /></div></div>
      ) : series.length === 0 ? (
        <div className="chart-box"><div className="state">No data for the shown runs</div></div>
      ) : singleStep ? (
        <BarChart runs={runs} values={barValues} height={height} />
      ) : (
        <LineChart series={series} xMode={settings.xMode} logY={settings.logY} logX={settings.logX && settings.xMode !== 'time'} showPoints={settings.showPoints} height={height} yMin={yMin} yMax={yMax}
          xLabel={settings.xMode === 'step' ? 'step' : settings.xMode === 'time' ? 'time' : settings.xMode === 'metric' ? settings.xMetric : 'relative time'}
          onZoom={settings.xMode === 'step' ? setRange : undefined} />
      )}
    </div>
  );
});
