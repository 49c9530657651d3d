// Parallel coordinates over params and metrics: one vertical axis per column (numeric axes scaled
// to their range, categorical ones spread by distinct value), one polyline per run in its colour.
import { useMemo } from 'react';
import type { Run } from '../lib/api';
import { runColor } from '../lib/colors';
import { indexRun, runName } from '../lib/columns';
import { formatNumber } from '../lib/format';
import { setHoveredRun, useHoveredRun } from '../lib/hover';

export interface Dim { kind: 'params' | 'metrics'; key: string }
export const dimId = (d: Dim) => `${d.kind}:${d.key}`;
export const dimFromId = (s: string): Dim => ({ kind: s.startsWith('metrics:') ? 'metrics' : 'params', key: s.slice(s.indexOf(':') + 1) });
export function allDims(runs: Run[]): Dim[] {
  const p = new Set<string>(), m = new Set<string>();
  for (const r of runs) {
    for (const x of r.data.params ?? []) p.add(x.key);
    for (const x of r.data.metrics ?? []) m.add(x.key);
  }
  return [...Array.from(p).sort().map((key): Dim => ({ kind: 'params', key })), ...Array.from(m).sort().map((key): Dim => ({ kind: 'metrics', key }))];
}

function valueOf(run: Run, d: Dim): string | number | undefined {
  const ix = indexRun(run);
  if (d.kind === 'metrics') return ix.metrics.get(d.key);
  const v = ix.params.get(d.key);
  if (v === undefined) return undefined;
  const n = Number(v);
  return v.trim() !== '' && isFinite(n) ? n : v;
}

export function ParallelCoordinates({ runs, dims, height = 340 }: { runs: Run[]; dims: Dim[]; height?: number }) {
  // The page's hovered run (shared with the other charts and the runs list).
  const hovered = useHoveredRun();
  const hover = hovered && runs.some((r) => r.info.run_id === hovered) ? hovered : null;
  const W = Math.max(480, dims.length * 150);
  const H = height;
  const top = 40;
  const bottom = 24;
  const axes = useMemo(() => dims.map((d) => {
    const vals = runs.map((r) => valueOf(r, d)).filter((v) => v !== undefined) as (string | number)[];
    const numeric = vals.length > 0 && vals.every((v) => typeof v === 'number');
    if (numeric) {
      const nums = vals as number[];
      const lo = Math.min(...nums);
      const hi = Math.max(...nums);
      return { d, numeric, lo, hi, cats: [] as string[] };
    }
    const cats = Array.from(new Set(vals.map(String))).sort();
    return { d, numeric, lo: 0, hi: Math.max(1, cats.length - 1), cats };
  }), [runs, dims]);
  const x = (i: number) => 60 + (i * (W - 120)) / Math.max(1, dims.length - 1);
  const y = (a: (typeof axes)[number], v: string | number) => {
    const t = a.numeric ? (a.hi === a.lo ? 0.5 : ((v as number) - a.lo) / (a.hi - a.lo)) : a.cats.length <= 1 ? 0.5 : a.cats.indexOf(String(v)) / (a.cats.length - 1);
    return top + (1 - t) * (H - top - bottom);
  };
  const pointsOf = (r: Run) => {
    const pts: string[] = [];
    axes.forEach((a, i) => {
      const v = valueOf(r, a.d);
      if (v !== undefined) pts.push(`${x(i)},${y(a, v)}`);
    });
    return pts.join(' ');
  };
  // The lines do not depend on the hovered run: with thousands of runs a hover re-renders only
  // the highlighted copy and the class that fades the others.
  const lines = useMemo(() => runs.map((r) => {
    const id = r.info.run_id;
    return (
      <polyline key={id} points={pointsOf(r)} fill="none" stroke={runColor(id)} strokeWidth={1.5} opacity={0.9}
        onMouseEnter={() => setHoveredRun(id)} onMouseLeave={() => setHoveredRun(null)}>
        <title>{runName(r)}</title>
      </polyline>
    );
  }), [runs, axes, W, H]); // eslint-disable-line react-hooks/exhaustive-deps
  if (dims.length < 2) return <div className="muted">Pick at least two parameters or metrics.</div>;
  return (
    <div style={{ overflow: 'auto' }}>
      <svg width={W} height={H} role="img" aria-label="Parallel coordinates" data-testid="parallel-coordinates" data-series-count={runs.length} data-highlight={hover ?? ''} style={{ fontSize: 11, fill: 'var(--text-secondary)' }}>
        <g className={hover ? 'faded' : undefined}>{lines}</g>
        {hover && (() => {
          // The hovered run again, on top, thicker, in its own colour.
          const r = runs.find((x) => x.info.run_id === hover)!;
          return <polyline points={pointsOf(r)} fill="none" stroke={runColor(hover)} strokeWidth={3} pointerEvents="none" data-testid="parallel-highlight" />;
        })()}
        {axes.map((a, i) => (
          <g key={a.d.kind + a.d.key}>
            <line x1={x(i)} x2={x(i)} y1={top} y2={H - bottom} stroke="var(--border)" strokeWidth={1.5} />
            <text x={x(i)} y={16} textAnchor="middle" style={{ fill: 'var(--text)', fontWeight: 600 }}>{a.d.key}</text>
            <text x={x(i)} y={28} textAnchor="middle">{a.d.kind === 'params' ? 'param' : 'metric'}</text>
            {a.numeric ? (
              <>
                <text x={x(i) + 5} y={top + 4}>{formatNumber(a.hi)}</text>
                <text x={x(i) + 5} y={H - bottom + 4}>{formatNumber(a.lo)}</text>
              </>
            ) : a.cats.slice(0, 12).map((c) => <text key={c} x={x(i) + 5} y={y(a, c) + 4}>{c.length > 16 ? c.slice(0, 15) + '…' : c}</text>)}
          </g>
        ))}
      </svg>
    </div>
  );
}
