// Line chart of several runs' series on a canvas (uPlot, faceted mode: each run keeps its own x
// values, so runs logged at different steps or times need no merged axis). Drag to zoom (the
// parent may refetch the zoomed range at full resolution), double-click to reset.
import { useEffect, useRef } from 'react';
import { useThemeVersion } from '../lib/theme';
import uPlot from 'uplot';
import { chartColors } from '../lib/theme';
import { formatNumber, formatTime } from '../lib/format';
import { getHoveredRun, setHoveredRun, subscribeHoveredRun } from '../lib/hover';

export interface LineSeries { id: string; label: string; color: string; xs: number[]; ys: (number | null)[]; steps?: number[] }
export type XMode = 'step' | 'time' | 'relative' | 'metric';

interface Props {
  series: LineSeries[];
  xMode: XMode;
  logY?: boolean;
  logX?: boolean;
  height?: number;
  showPoints?: boolean;
  onZoom?: (range: [number, number] | null) => void;
  xLabel?: string;
  yMin?: number;  // a fixed end of the y-axis (the other stays automatic when absent)
  yMax?: number;
}

function xValueLabel(v: number, mode: XMode): string {
  if (mode === 'time') return formatTime(v * 1000);
  if (mode === 'relative') return formatRelative(v);
  if (mode === 'metric') return formatNumber(v);
  return String(Math.round(v * 1000) / 1000);
}

export function formatRelative(seconds: number): string {
  if (Math.abs(seconds) < 120) return `${Math.round(seconds * 10) / 10}s`;
  if (Math.abs(seconds) < 7200) return `${Math.round(seconds / 6) / 10}min`;
  return `${Math.round(seconds / 360) / 10}h`;
}

// A tooltip listing the runs nearest the cursor (by value), at most 8; the nearest one becomes the
// hovered run of the page (highlighted in every chart and in the runs table).
function tooltipPlugin(getSeries: () => LineSeries[], mode: () => XMode, xName: () => string | undefined): uPlot.Plugin {
  let tip: HTMLDivElement;
  return {
    hooks: {
      init: (u) => {
        tip = document.createElement('div');
        tip.className = 'u-tooltip';
        tip.style.display = 'none';
        u.over.appendChild(tip);
        u.over.addEventListener('mouseleave', () => {
          tip.style.display = 'none';
          setHoveredRun(null);
        });
      },
      setCursor: (u) => {
        const { left, top } = u.cursor;
        if (left === undefined || top === undefined || left < 0) {
          tip.style.display = 'none';
          return;
        }
        const x = u.posToVal(left, 'x');
        const yAt = u.posToVal(top, 'y');
        const rows: { s: LineSeries; x: number; y: number }[] = [];
        for (const s of getSeries()) {
          const xs = s.xs;
          if (!xs.length) continue;
          let lo = 0;
          let hi = xs.length - 1;
          while (lo < hi) {
            const mid = (lo + hi) >> 1;
            if (xs[mid] < x) lo = mid + 1;
            else hi = mid;
          }
          if (lo > 0 && Math.abs(xs[lo - 1] - x) < Math.abs(xs[lo] - x)) lo--;
          const y = s.ys[lo];
          if (y === null || y === undefined) continue;
          if (Math.abs(u.valToPos(xs[lo], 'x') - left) > 40) continue;
          rows.push({ s, x: xs[lo], y });
        }
        if (!rows.length) {
          tip.style.display = 'none';
          setHoveredRun(null);
          return;
        }
        rows.sort((a, b) => Math.abs(a.y - yAt) - Math.abs(b.y - yAt));
        setHoveredRun(rows[0].s.id);
        const shown = rows.slice(0, 8);
        tip.replaceChildren();
        const head = document.createElement('div');
        const m = mode();
        head.textContent = `${m === 'step' ? 'step ' : m === 'metric' ? `${xName() ?? 'x'} ` : ''}${xValueLabel(shown[0].x, m)}`;
        head.style.color = 'var(--text-secondary)';
        tip.appendChild(head);
        for (const r of shown) {
          const line = document.createElement('div');
          const dot = document.createElement('span');
          dot.className = 'color-dot';
          dot.style.background = r.s.color;
          const name = document.createElement('span');
          name.textContent = r.s.label;
          const val = document.createElement('b');
          val.textContent = formatNumber(r.y);
          line.append(dot, name, val);
          if (r.s.steps) {
            // Time or another metric on the x-axis: the step is still worth knowing.
            const i = r.s.xs.indexOf(r.x);
            const st = document.createElement('span');
            st.textContent = i >= 0 && r.s.steps[i] !== undefined ? `step ${r.s.steps[i]}` : '';
            st.style.color = 'var(--text-secondary)';
            line.append(st);
          }
          if (r.s.id === rows[0].s.id) line.className = 'on';
          tip.appendChild(line);
        }
        if (rows.length > shown.length) {
          const more = document.createElement('div');
          more.textContent = `+${rows.length - shown.length} more`;
          more.style.color = 'var(--text-secondary)';
          tip.appendChild(more);
        }
        tip.style.display = 'block';
        const w = tip.offsetWidth;
        const overW = u.over.clientWidth;
        tip.style.left = `${left + 12 + w > overW ? left - w - 12 : left + 12}px`;
        tip.style.top = `${Math.max(0, top - 10)}px`;
      },
    },
  };
}

// The highlighted run's line once more, over every other line (uPlot draws series in their order,
// so later ones, even faded, would cover it and tint it): in its own colour, at full opacity,
// twice as thick. Gaps (null values) are bridged, as the series' spanGaps does.
function drawEmphasis(u: uPlot, s: LineSeries | undefined) {
  if (!s || s.xs.length === 0) return;
  const ctx = u.ctx;
  const { left, top, width, height } = u.bbox;
  ctx.save();
  ctx.beginPath();
  ctx.rect(left, top, width, height);
  ctx.clip();
  ctx.beginPath();
  let started = false;
  for (let k = 0; k < s.xs.length; k++) {
    const y = s.ys[k];
    if (y === null || y === undefined || !Number.isFinite(y)) continue;
    const px = u.valToPos(s.xs[k], 'x', true);
    const py = u.valToPos(y, 'y', true);
    if (!Number.isFinite(px) || !Number.isFinite(py)) continue;
    if (started) ctx.lineTo(px, py);
    else ctx.moveTo(px, py);
    started = true;
  }
  ctx.globalAlpha = 1;
  ctx.strokeStyle = s.color;
  ctx.lineWidth = 3 * uPlot.pxRatio;
  ctx.lineJoin = 'round';
  ctx.lineCap = 'round';
  ctx.stroke();
  ctx.restore();
}

export function LineChart({ series, xMode, logY, logX, height = 260, showPoints, onZoom, xLabel, yMin, yMax }: Props) {
  const boxRef = useRef<HTMLDivElement>(null);
  const plotRef = useRef<uPlot | null>(null);
  const seriesRef = useRef(series);
  const modeRef = useRef(xMode);
  const zoomRef = useRef(onZoom);
  seriesRef.current = series;
  modeRef.current = xMode;
  zoomRef.current = onZoom;
  const xLabelRef = useRef(xLabel);
  xLabelRef.current = xLabel;
  const zoomedRef = useRef(false);
  const hiRef = useRef(-1);  // index in `series` of the highlighted run, -1 for none
  const createdWith = useRef<LineSeries[] | null>(null);
  const themeVersion = useThemeVersion();

  // (Re)create the plot when the shape changes; data-only updates go through setData below.
  const shapeKey = `${series.map((s) => s.id + s.color).join(',')}|${xMode}|${logY}|${logX}|${height}|${showPoints}|${yMin}|${yMax}`;
  useEffect(() => {
    const box = boxRef.current;
    if (!box) return;
    const c = chartColors();
    const axis = (label?: string): uPlot.Axis => ({
      stroke: c.text,
      grid: { stroke: c.grid, width: 1 },
      ticks: { stroke: c.grid, width: 1 },
      font: '11px system-ui, sans-serif',
      labelFont: '11px system-ui, sans-serif',
      label,
      labelSize: label ? 16 : 0,
    });
    const opts: uPlot.Options = {
      mode: 2,
      focus: { alpha: 0.2 },
      width: Math.max(100, box.clientWidth),
      height,
      pxAlign: 0,
      legend: { show: false },
      cursor: {
        drag: { x: true, y: false, setScale: false },
        points: { show: false },
        dataIdx: (_u, _s, idx) => idx,
      },
      select: { show: true, left: 0, top: 0, width: 0, height: 0 },
      scales: {
        x: logX ? { time: false, distr: 3, auto: true } : { time: xMode === 'time', auto: true },
        y: {
          ...(logY ? { distr: 3 } : {}),
          auto: true,
          ...(yMin !== undefined || yMax !== undefined ? { range: (_u: uPlot, lo: number, hi: number) => [yMin ?? lo, yMax ?? hi] as uPlot.Range.MinMax } : {}),
        },
      },
      axes: [
        {
          ...axis(xLabel),
          values: xMode === 'time' ? undefined : xMode === 'relative' ? (_u, vals) => vals.map((v) => formatRelative(v)) : undefined,
        },
        { ...axis(), size: 60, values: (_u, vals) => vals.map((v) => formatNumber(v)) },
      ],
      series: [
        {},
        ...series.map((s) => ({
          label: s.label,
          stroke: s.color,
          width: 1.5,
          facets: [{ scale: 'x', auto: true }, { scale: 'y', auto: true }],
          points: { show: !!showPoints, size: 4, fill: s.color },
          spanGaps: true,
        }) as uPlot.Series),
      ],
      hooks: {
        draw: [(u) => drawEmphasis(u, seriesRef.current[hiRef.current])],
        setSelect: [
          (u) => {
            if (u.select.width < 4) return;
            const a = u.posToVal(u.select.left, 'x');
            const b = u.posToVal(u.select.left + u.select.width, 'x');
            u.setScale('x', { min: a, max: b });
            u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
            zoomedRef.current = true;
            zoomRef.current?.([a, b]);
          },
        ],
      },
      plugins: [tooltipPlugin(() => seriesRef.current, () => modeRef.current, () => xLabelRef.current)],
    };
    const data = [null, ...series.map((s) => [s.xs, s.ys])] as unknown as uPlot.AlignedData;
    performance.mark('mlflow-cpp:chart-create');
    hiRef.current = -1;
    const plot = new uPlot(opts, data, box);
    performance.mark('mlflow-cpp:chart-created');
    createdWith.current = series;
    plotRef.current = plot;
    box.dataset.yScale = `${plot.scales.y.min},${plot.scales.y.max}`;
    applyHighlight();
    const dbl = () => {
      zoomedRef.current = false;
      plot.setData(plot.data, true);
      zoomRef.current?.(null);
    };
    plot.over.addEventListener('dblclick', dbl);
    const ro = new ResizeObserver(() => {
      const w = box.clientWidth;
      if (w > 0 && Math.abs(w - plot.width) > 1) plot.setSize({ width: w, height });
    });
    ro.observe(box);
    return () => {
      ro.disconnect();
      if (plotRef.current === plot) {
        plot.destroy();
        plotRef.current = null;
      }
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [shapeKey, themeVersion]);

  // The page's hovered run (from a table row, a legend entry or another chart) keeps its own
  // colour and is drawn thicker, over the others, which are faded (as MLflow does); recorded on the
  // box for tests.
  function applyHighlight() {
    const plot = plotRef.current;
    const box = boxRef.current;
    if (!plot || !box) return;
    const id = getHoveredRun();
    const i = id ? seriesRef.current.findIndex((s) => s.id === id) : -1;
    box.dataset.highlight = i >= 0 ? id! : '';
    if (i === hiRef.current) return;
    hiRef.current = i;
    // Focus redraws the plot; the draw hook then strokes the highlighted line on top.
    plot.setSeries(i >= 0 ? i + 1 : (null as unknown as number), { focus: true });
  }
  useEffect(() => subscribeHoveredRun(applyHighlight), []); // eslint-disable-line react-hooks/exhaustive-deps

  // Data-only update (live refresh, zoomed refetch): keep the current zoom.
  useEffect(() => {
    if (createdWith.current === series) return;
    createdWith.current = series;
    const plot = plotRef.current;
    if (!plot || plot.series.length !== series.length + 1) return;
    const data = [null, ...series.map((s) => [s.xs, s.ys])] as unknown as uPlot.AlignedData;
    const min = plot.scales.x.min;
    const max = plot.scales.x.max;
    const zoomed = zoomedRef.current;
    plot.setData(data, !zoomed);
    if (zoomed && min !== undefined && max !== undefined) plot.setScale('x', { min, max });
    if (boxRef.current) boxRef.current.dataset.yScale = `${plot.scales.y.min},${plot.scales.y.max}`;
  }, [series]);

  return <div ref={boxRef} style={{ width: '100%', height }} data-testid="line-chart" data-series-count={series.length} />;
}
