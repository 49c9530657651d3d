// Which runs of the table the charts show: a mode for all rows (MLflow's choices: the first 10 or
// 20 rows, all, none, or all but finished runs) and per-run overrides from the eye buttons of the
// table. Picking a mode drops the overrides, as in MLflow; an override wins over the mode.
export type VisibilityMode = 'FIRST_10_RUNS' | 'FIRST_20_RUNS' | 'SHOW_ALL' | 'HIDE_ALL' | 'HIDE_FINISHED_RUNS';

export const VISIBILITY_MODES: { mode: VisibilityMode; label: string }[] = [
  { mode: 'FIRST_10_RUNS', label: 'Show first 10' },
  { mode: 'FIRST_20_RUNS', label: 'Show first 20' },
  { mode: 'SHOW_ALL', label: 'Show all runs' },
  { mode: 'HIDE_ALL', label: 'Hide all runs' },
  { mode: 'HIDE_FINISHED_RUNS', label: 'Hide finished runs' },
];

export const DEFAULT_MODE: VisibilityMode = 'FIRST_10_RUNS';

export function isVisibilityMode(v: unknown): v is VisibilityMode {
  return VISIBILITY_MODES.some((m) => m.mode === v);
}

// A run that ended (any way) counts as finished, as in MLflow.
const ENDED = new Set(['FINISHED', 'FAILED', 'KILLED']);

// index: the run's position among the table's run rows (pinned runs first).
export function isRunHidden(mode: VisibilityMode, overrides: Readonly<Record<string, boolean>>, runId: string, index: number, status?: string): boolean {
  const o = overrides[runId];
  if (o !== undefined) return !o;
  switch (mode) {
    case 'SHOW_ALL': return false;
    case 'HIDE_ALL': return true;
    case 'FIRST_10_RUNS': return index >= 10;
    case 'FIRST_20_RUNS': return index >= 20;
    case 'HIDE_FINISHED_RUNS': return ENDED.has(status ?? '');
  }
}
