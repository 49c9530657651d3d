// "X-axis = another metric": each point of the charted metric is placed at the value the x metric
// had at the same step of the same run (MLflow pairs them by step too). Steps where the x metric
// was not logged are left out; the pairs are sorted by x so the line reads left to right.
import type { Metric } from './api';

export function pairByStep(ys: Metric[], xs: Metric[]): { x: number; y: number; step: number }[] {
  const xAt = new Map<number, number>();
  // The last value logged at a step wins, as in MLflow's history view.
  for (const p of xs) {
    const v = typeof p.value === 'number' ? p.value : Number(p.value);
    if (Number.isFinite(v)) xAt.set(Number(p.step), v);
  }
  const out: { x: number; y: number; step: number }[] = [];
  for (const p of ys) {
    const x = xAt.get(Number(p.step));
    if (x === undefined) continue;
    out.push({ x, y: typeof p.value === 'number' ? p.value : Number(p.value), step: Number(p.step) });
  }
  out.sort((a, b) => a.x - b.x || a.step - b.step);
  return out;
}

// ?x_axis=step|time|relative|metric:<key>
export type XAxis = { mode: 'step' | 'time' | 'relative' } | { mode: 'metric'; key: string };

export function parseXAxis(v: string | null): XAxis {
  if (v === 'time' || v === 'relative') return { mode: v };
  if (v && v.startsWith('metric:') && v.length > 'metric:'.length) return { mode: 'metric', key: v.slice('metric:'.length) };
  return { mode: 'step' };
}
