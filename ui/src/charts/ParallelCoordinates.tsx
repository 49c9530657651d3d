// Parallel coordinates over params and metrics: one vertical axis per column (numeric axes scaled
// to their range, categorical ones spread by distinct value), one polyline per run in its colour.
import { useMemo, useState } from 'react';
import type { Run } from '../lib/api';
import { runColor } from '../lib/colors';
import { indexRun, runName } from '../lib/columns';
import { formatNumber } from '../lib/format';

export interface Dim { kind: 'params' | 'metrics'; key: string }

function valueOf(run: Run, d: Dim): string | number | undefined {
  const ix = indexRun(run);
  if (d.kind === 'metrics') return ix.metrics.get(d.key);
  const v = ix.params.get(d.key);
  if (v === undefined) return undefined;
  const n = Number(v);
  return v.trim() !== '' && isFinite(n) ? n : v;
}

export function ParallelCoordinates({ runs, dims }: { runs: Run[]; dims: Dim[] }) {
  const [hover, setHover] = useState<string | null>(null);
  const W = Math.max(480, dims.length * 150);
  const H = 340;
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
  if (dims.length < 2) return <div className="muted">Pick at least two parameters or metrics.</div>;
  return (
    <div style={{ overflow: 'auto' }}>
      <svg width={W} height={H} role="img" aria-label="Parallel coordinates" data-testid="parallel-coordinates" style={{ fontSize: 11, fill: 'var(--text-secondary)' }}>
        {runs.map((r) => {
          const pts: string[] = [];
          axes.forEach((a, i) => {
            const v = valueOf(r, a.d);
            if (v !== undefined) pts.push(`${x(i)},${y(a, v)}`);
          });
          const id = r.info.run_id;
          return (
            <polyline key={id} points={pts.join(' ')} fill="none" stroke={runColor(id)} strokeWidth={hover === id ? 3 : 1.5}
              opacity={hover && hover !== id ? 0.25 : 0.9} onMouseEnter={() => setHover(id)} onMouseLeave={() => setHover(null)}>
              <title>{runName(r)}</title>
            </polyline>
          );
        })}
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
