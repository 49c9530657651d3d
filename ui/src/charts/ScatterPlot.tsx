// Scatter of runs: x and y are any param or metric; one point per run, in its colour (uPlot
// faceted mode, points only).
import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import type { Run } from '../lib/api';
import { runColor } from '../lib/colors';
import { indexRun, runName } from '../lib/columns';
import { formatNumber } from '../lib/format';
import { chartColors, useThemeVersion } from '../lib/theme';
import type { Dim } from './ParallelCoordinates';

function num(run: Run, d: Dim): number | undefined {
  const ix = indexRun(run);
  const v = d.kind === 'metrics' ? ix.metrics.get(d.key) : Number(ix.params.get(d.key));
  return v !== undefined && isFinite(v) ? v : undefined;
}

export function ScatterPlot({ runs, x, y, height = 320 }: { runs: Run[]; x: Dim; y: Dim; height?: number }) {
  const ref = useRef<HTMLDivElement>(null);
  const theme = useThemeVersion();
  const pts = runs.map((r) => ({ r, x: num(r, x), y: num(r, y) })).filter((p) => p.x !== undefined && p.y !== undefined);
  const key = pts.map((p) => `${p.r.info.run_id}:${p.x}:${p.y}`).join('|') + x.key + y.key;
  useEffect(() => {
    const box = ref.current;
    if (!box || !pts.length) return;
    const c = chartColors();
    const axis = (label: string): uPlot.Axis => ({ stroke: c.text, grid: { stroke: c.grid }, ticks: { stroke: c.grid }, label, labelSize: 18, font: '11px system-ui', labelFont: '12px system-ui', values: (_u, v) => v.map((n) => formatNumber(n)) });
    const opts: uPlot.Options = {
      mode: 2, width: Math.max(200, box.clientWidth), height, legend: { show: false },
      cursor: { drag: { x: false, y: false }, points: { show: false } },
      scales: { x: { time: false, auto: true }, y: { auto: true } },
      axes: [axis(`${x.kind === 'params' ? 'param' : 'metric'}: ${x.key}`), { ...axis(`${y.kind === 'params' ? 'param' : 'metric'}: ${y.key}`), size: 60 }],
      series: [{}, ...pts.map((p) => ({
        label: runName(p.r), stroke: runColor(p.r.info.run_id), fill: runColor(p.r.info.run_id),
        facets: [{ scale: 'x', auto: true }, { scale: 'y', auto: true }],
        paths: () => null, points: { show: true, size: 9, fill: runColor(p.r.info.run_id), stroke: runColor(p.r.info.run_id) },
      }) as uPlot.Series)],
    };
    const data = [null, ...pts.map((p) => [[p.x!], [p.y!]])] as unknown as uPlot.AlignedData;
    const plot = new uPlot(opts, data, box);
    const ro = new ResizeObserver(() => box.clientWidth > 0 && plot.setSize({ width: box.clientWidth, height }));
    ro.observe(box);
    return () => { ro.disconnect(); plot.destroy(); };
  }, [key, theme, height]); // eslint-disable-line react-hooks/exhaustive-deps
  if (!pts.length) return <div className="muted">No run has numeric values for both axes.</div>;
  return <div ref={ref} data-testid="scatter-plot" data-series-count={pts.length} />;
}
