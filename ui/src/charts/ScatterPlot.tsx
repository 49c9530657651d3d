// Scatter of runs: x and y are any param or metric; one point per run, in its colour. uPlot
// (faceted mode, one series holding every run's point) gives the scales, axes and cursor; the
// points are drawn here, in one pass however many runs there are. The page's hovered run (table
// row, legend entry, another chart) is drawn larger, on top of the others, which fade; the point
// under the pointer becomes the hovered run and gets a tooltip.
import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import type { Run } from '../lib/api';
import { runColor } from '../lib/colors';
import { indexRun, runName } from '../lib/columns';
import { formatNumber } from '../lib/format';
import { getHoveredRun, setHoveredRun, subscribeHoveredRun } from '../lib/hover';
import { chartColors, useThemeVersion } from '../lib/theme';
import type { Dim } from './ParallelCoordinates';

function num(run: Run, d: Dim): number | undefined {
  const ix = indexRun(run);
  const v = d.kind === 'metrics' ? ix.metrics.get(d.key) : Number(ix.params.get(d.key));
  return v !== undefined && isFinite(v) ? v : undefined;
}

interface Point { id: string; name: string; color: string; x: number; y: number }

const SIZE = 9;     // px, a point's diameter
const HI_SIZE = 15; // px, the highlighted point's
const NEAR = 12;    // px: the pointer picks the nearest point within this distance

// Every point in its run's colour (faded when another run is highlighted), then the highlighted
// one larger, ringed, on top.
function drawPoints(u: uPlot, points: Point[], hi: number) {
  const ctx = u.ctx;
  const { left, top, width, height } = u.bbox;
  const pos = (p: Point) => [u.valToPos(p.x, 'x', true), u.valToPos(p.y, 'y', true)];
  ctx.save();
  ctx.beginPath();
  ctx.rect(left, top, width, height);
  ctx.clip();
  ctx.globalAlpha = hi >= 0 ? 0.25 : 1;
  const r = (SIZE / 2) * uPlot.pxRatio;
  points.forEach((p, k) => {
    if (k === hi) return;
    const [px, py] = pos(p);
    ctx.beginPath();
    ctx.arc(px, py, r, 0, 2 * Math.PI);
    ctx.fillStyle = p.color;
    ctx.fill();
  });
  const p = points[hi];
  if (p) {
    const [px, py] = pos(p);
    ctx.globalAlpha = 1;
    ctx.beginPath();
    ctx.arc(px, py, (HI_SIZE / 2) * uPlot.pxRatio, 0, 2 * Math.PI);
    ctx.fillStyle = p.color;
    ctx.fill();
    ctx.lineWidth = 2 * uPlot.pxRatio;
    ctx.strokeStyle = chartColors().text;
    ctx.stroke();
  }
  ctx.restore();
}

function padded(_u: uPlot, lo: number, hi: number): uPlot.Range.MinMax {
  const d = hi - lo || Math.abs(hi) || 1;
  return [lo - d * 0.06, hi + d * 0.06];
}

export function ScatterPlot({ runs, x, y, height = 320 }: { runs: Run[]; x: Dim; y: Dim; height?: number }) {
  const ref = useRef<HTMLDivElement>(null);
  const theme = useThemeVersion();
  const pts: Point[] = [];
  for (const r of runs) {
    const px = num(r, x);
    const py = num(r, y);
    if (px !== undefined && py !== undefined) pts.push({ id: r.info.run_id, name: runName(r), color: runColor(r.info.run_id), x: px, y: py });
  }
  const ptsRef = useRef(pts);
  ptsRef.current = pts;
  const key = pts.map((p) => `${p.id}:${p.x}:${p.y}`).join('|') + x.key + y.key;
  useEffect(() => {
    const box = ref.current;
    const points = ptsRef.current;
    if (!box || !points.length) return;
    let hi = -1;  // index in `points` of the highlighted run
    const c = chartColors();
    const axis = (label: string): uPlot.Axis => ({ stroke: c.text, grid: { stroke: c.grid }, ticks: { stroke: c.grid }, label, labelSize: 18, font: '11px system-ui', labelFont: '12px system-ui', values: (_u, v) => v.map((n) => formatNumber(n)) });
    const tip = document.createElement('div');
    tip.className = 'u-tooltip';
    tip.style.display = 'none';
    const opts: uPlot.Options = {
      mode: 2, width: Math.max(200, box.clientWidth), height, legend: { show: false },
      cursor: { drag: { x: false, y: false }, points: { show: false }, dataIdx: (_u, _s, idx) => idx },
      // Padded ranges: a point at the lowest or highest value is drawn whole, not cut by the edge.
      scales: { x: { time: false, auto: true, range: padded }, y: { auto: true, range: padded } },
      axes: [axis(`${x.kind === 'params' ? 'param' : 'metric'}: ${x.key}`), { ...axis(`${y.kind === 'params' ? 'param' : 'metric'}: ${y.key}`), size: 60 }],
      series: [{}, {
        facets: [{ scale: 'x', auto: true }, { scale: 'y', auto: true }],
        paths: () => null, points: { show: false },
      } as uPlot.Series],
      hooks: {
        draw: [(u) => drawPoints(u, points, hi)],
        setCursor: [(u) => {
          const { left, top } = u.cursor;
          if (left === undefined || top === undefined || left < 0) return;
          // The nearest point within NEAR px (CSS pixels of the plotting area).
          let best = -1;
          let bestD = NEAR * NEAR;
          for (let k = 0; k < points.length; k++) {
            const dx = u.valToPos(points[k].x, 'x') - left;
            const dy = u.valToPos(points[k].y, 'y') - top;
            const d = dx * dx + dy * dy;
            if (d <= bestD) {
              bestD = d;
              best = k;
            }
          }
          if (best < 0) {
            tip.style.display = 'none';
            setHoveredRun(null);
            return;
          }
          const p = points[best];
          setHoveredRun(p.id);
          tip.replaceChildren();
          const line = document.createElement('div');
          const dot = document.createElement('span');
          dot.className = 'color-dot';
          dot.style.background = p.color;
          const name = document.createElement('b');
          name.textContent = p.name;
          line.append(dot, name);
          const vals = document.createElement('div');
          vals.textContent = `${x.key} ${formatNumber(p.x)}, ${y.key} ${formatNumber(p.y)}`;
          vals.style.color = 'var(--text-secondary)';
          tip.append(line, vals);
          tip.style.display = 'block';
          const w = tip.offsetWidth;
          tip.style.left = `${left + 12 + w > u.over.clientWidth ? left - w - 12 : left + 12}px`;
          tip.style.top = `${Math.max(0, top - 10)}px`;
        }],
      },
    };
    const data = [null, [points.map((p) => p.x), points.map((p) => p.y)]] as unknown as uPlot.AlignedData;
    const plot = new uPlot(opts, data, box);
    plot.over.appendChild(tip);
    plot.over.addEventListener('mouseleave', () => {
      tip.style.display = 'none';
      setHoveredRun(null);
    });
    const apply = () => {
      const id = getHoveredRun();
      const i = id ? points.findIndex((p) => p.id === id) : -1;
      box.dataset.highlight = i >= 0 ? id! : '';
      if (i === hi) return;
      hi = i;
      plot.redraw(false, false);
    };
    apply();
    const unsubscribe = subscribeHoveredRun(apply);
    const ro = new ResizeObserver(() => box.clientWidth > 0 && plot.setSize({ width: box.clientWidth, height }));
    ro.observe(box);
    return () => { unsubscribe(); ro.disconnect(); plot.destroy(); };
  }, [key, theme, height]); // eslint-disable-line react-hooks/exhaustive-deps
  if (!pts.length) return <div className="muted">No run has numeric values for both axes.</div>;
  return <div ref={ref} data-testid="scatter-plot" data-series-count={pts.length} />;
}
