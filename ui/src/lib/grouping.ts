// Runs table grouping: runs grouped by the value of a param, a tag or their dataset, each group
// with the min / avg / max of every metric over its runs (MLflow's "Group by" with aggregates).
import type { Run } from './api';
import { indexRun } from './columns';

export interface GroupBy { kind: 'param' | 'tag' | 'dataset'; key: string }
export type Aggregate = 'min' | 'avg' | 'max';

export interface MetricAggregate { min: number; max: number; sum: number; count: number }
export interface RunGroup {
  id: string;            // stable: "param:model=xgboost"
  label: string;         // the value shared by the group's runs ("(none)" when absent)
  runs: Run[];
  metrics: Map<string, MetricAggregate>;
}

export const NONE_LABEL = '(none)';

// "param:model", "tag:stage", "dataset" in the URL (?groupBy=).
export function parseGroupBy(v: string | null | undefined): GroupBy | null {
  if (!v) return null;
  if (v === 'dataset') return { kind: 'dataset', key: '' };
  const i = v.indexOf(':');
  if (i <= 0) return null;
  const kind = v.slice(0, i);
  const key = v.slice(i + 1);
  if ((kind !== 'param' && kind !== 'tag') || !key) return null;
  return { kind, key };
}

export function groupByString(g: GroupBy): string {
  return g.kind === 'dataset' ? 'dataset' : `${g.kind}:${g.key}`;
}

export function groupValue(run: Run, g: GroupBy): string | undefined {
  if (g.kind === 'param') return indexRun(run).params.get(g.key);
  if (g.kind === 'tag') return indexRun(run).tags.get(g.key);
  const ds = run.inputs?.dataset_inputs ?? [];
  if (!ds.length) return undefined;
  return ds.map((d) => `${d.dataset.name} (${d.dataset.digest})`).sort().join(', ');
}

// Groups in order of first appearance (so the server's sort order decides the group order), the
// group of runs without a value last. One pass over the runs and their metrics.
export function groupRuns(runs: Run[], g: GroupBy): RunGroup[] {
  const byLabel = new Map<string, RunGroup>();
  let none: RunGroup | undefined;
  for (const run of runs) {
    const v = groupValue(run, g);
    let grp: RunGroup | undefined = v === undefined ? none : byLabel.get(v);
    if (!grp) {
      grp = { id: `${groupByString(g)}=${v ?? '\u0000'}`, label: v ?? NONE_LABEL, runs: [], metrics: new Map() };
      if (v === undefined) none = grp;
      else byLabel.set(v, grp);
    }
    grp.runs.push(run);
    for (const m of run.data.metrics ?? []) {
      const value = typeof m.value === 'number' ? m.value : Number(m.value);
      if (!Number.isFinite(value)) continue;
      const a = grp.metrics.get(m.key);
      if (!a) grp.metrics.set(m.key, { min: value, max: value, sum: value, count: 1 });
      else {
        if (value < a.min) a.min = value;
        if (value > a.max) a.max = value;
        a.sum += value;
        a.count++;
      }
    }
  }
  const out = Array.from(byLabel.values());
  if (none) out.push(none);
  return out;
}

export function aggregateValue(a: MetricAggregate | undefined, agg: Aggregate): number | undefined {
  if (!a || !a.count) return undefined;
  return agg === 'min' ? a.min : agg === 'max' ? a.max : a.sum / a.count;
}

// The keys a run can be grouped by: params and (non-system) tags seen in the runs, and datasets.
export function groupOptions(keys: { params: string[]; tags: string[] }, anyDataset: boolean): GroupBy[] {
  return [
    ...keys.params.map((key): GroupBy => ({ kind: 'param', key })),
    ...keys.tags.map((key): GroupBy => ({ kind: 'tag', key })),
    ...(anyDataset ? [{ kind: 'dataset', key: '' } as GroupBy] : []),
  ];
}
