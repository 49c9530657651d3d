// Nested runs: a run whose mlflow.parentRunId names another loaded run is shown under it. Children
// of a parent that is not loaded (filtered out, or on a later page) stay at the top level.
import type { Run } from './api';

export interface RunRow { run: Run; depth: number; childCount: number; expanded: boolean }

export function parentOf(run: Run): string | undefined {
  return run.data.tags?.find((t) => t.key === 'mlflow.parentRunId')?.value;
}

export function buildRunRows(runs: Run[], expanded: ReadonlySet<string>, nest = true): RunRow[] {
  if (!nest) return runs.map((run) => ({ run, depth: 0, childCount: 0, expanded: false }));
  const byId = new Map<string, Run>();
  for (const r of runs) byId.set(r.info.run_id, r);
  const children = new Map<string, Run[]>();
  const roots: Run[] = [];
  for (const r of runs) {
    const p = parentOf(r);
    if (p && p !== r.info.run_id && byId.has(p)) {
      let list = children.get(p);
      if (!list) children.set(p, (list = []));
      list.push(r);
    } else {
      roots.push(r);
    }
  }
  const rows: RunRow[] = [];
  const seen = new Set<string>();
  const visit = (r: Run, depth: number) => {
    if (seen.has(r.info.run_id) || depth > 50) return;  // a parent cycle must not loop
    seen.add(r.info.run_id);
    const kids = children.get(r.info.run_id) ?? [];
    const open = expanded.has(r.info.run_id);
    rows.push({ run: r, depth, childCount: kids.length, expanded: open });
    if (open) for (const k of kids) visit(k, depth + 1);
  };
  // Runs whose parent chain loops never hang under a root: they become roots rather than vanish.
  const placed = new Set<string>();
  const stack = roots.map((r) => r.info.run_id);
  while (stack.length) {
    const id = stack.pop()!;
    if (placed.has(id)) continue;
    placed.add(id);
    for (const k of children.get(id) ?? []) stack.push(k.info.run_id);
  }
  for (const r of runs) {
    if (placed.has(r.info.run_id)) continue;
    roots.push(r);
    placed.add(r.info.run_id);
  }
  for (const r of roots) visit(r, 0);
  return rows;
}
