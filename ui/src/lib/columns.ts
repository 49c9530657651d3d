// The runs table's columns: fixed attribute columns (MLflow's), then one per metric, param and tag
// key seen in the loaded runs. Which are shown is kept per experiment in localStorage.
import type { Run } from './api';
import { entityKey } from './filter';

export interface ColumnDef {
  id: string;             // "attr:created", "metrics:loss", "params:lr", "tags:team"
  label: string;
  group: 'Attributes' | 'Metrics' | 'Parameters' | 'Tags';
  width: number;
  sortKey?: string;       // order_by key for the server; absent = not sortable
  numeric?: boolean;
  defaultShown: boolean;
}

export const ATTRIBUTE_COLUMNS: ColumnDef[] = [
  { id: 'attr:created', label: 'Created', group: 'Attributes', width: 150, sortKey: 'attributes.start_time', defaultShown: true },
  { id: 'attr:duration', label: 'Duration', group: 'Attributes', width: 90, defaultShown: true },
  { id: 'attr:user', label: 'User', group: 'Attributes', width: 120, sortKey: 'attributes.user_id', defaultShown: false },
  { id: 'attr:source', label: 'Source', group: 'Attributes', width: 170, defaultShown: true },
  { id: 'attr:version', label: 'Version', group: 'Attributes', width: 90, defaultShown: false },
  { id: 'attr:models', label: 'Models', group: 'Attributes', width: 150, defaultShown: true },
  { id: 'attr:dataset', label: 'Dataset', group: 'Attributes', width: 180, defaultShown: true },
  { id: 'attr:description', label: 'Description', group: 'Attributes', width: 200, defaultShown: false },
  { id: 'attr:status', label: 'Status', group: 'Attributes', width: 100, sortKey: 'attributes.status', defaultShown: false },
  { id: 'attr:run_id', label: 'Run ID', group: 'Attributes', width: 140, defaultShown: false },
];

export interface RunKeys { metrics: string[]; params: string[]; tags: string[] }

export function collectKeys(runs: Run[]): RunKeys {
  const m = new Set<string>();
  const p = new Set<string>();
  const t = new Set<string>();
  for (const r of runs) {
    for (const x of r.data.metrics ?? []) m.add(x.key);
    for (const x of r.data.params ?? []) p.add(x.key);
    for (const x of r.data.tags ?? []) if (!x.key.startsWith('mlflow.')) t.add(x.key);
  }
  const sort = (s: Set<string>) => Array.from(s).sort((a, b) => a.localeCompare(b));
  return { metrics: sort(m), params: sort(p), tags: sort(t) };
}

export function allColumns(keys: RunKeys): ColumnDef[] {
  return [
    ...ATTRIBUTE_COLUMNS,
    ...keys.metrics.map((k): ColumnDef => ({ id: `metrics:${k}`, label: k, group: 'Metrics', width: 110, sortKey: entityKey('metrics', k), numeric: true, defaultShown: true })),
    ...keys.params.map((k): ColumnDef => ({ id: `params:${k}`, label: k, group: 'Parameters', width: 110, sortKey: entityKey('params', k), defaultShown: true })),
    ...keys.tags.map((k): ColumnDef => ({ id: `tags:${k}`, label: k, group: 'Tags', width: 120, sortKey: entityKey('tags', k), defaultShown: false })),
  ];
}

// Stored choices: columns turned on or off against their default.
export interface ColumnPrefs { on: string[]; off: string[] }

export function visibleColumns(cols: ColumnDef[], prefs: ColumnPrefs): ColumnDef[] {
  const on = new Set(prefs.on);
  const off = new Set(prefs.off);
  return cols.filter((c) => (c.defaultShown ? !off.has(c.id) : on.has(c.id)));
}

export function toggleColumn(prefs: ColumnPrefs, col: ColumnDef, show: boolean): ColumnPrefs {
  const on = new Set(prefs.on);
  const off = new Set(prefs.off);
  on.delete(col.id);
  off.delete(col.id);
  if (show && !col.defaultShown) on.add(col.id);
  if (!show && col.defaultShown) off.add(col.id);
  return { on: Array.from(on), off: Array.from(off) };
}

export function loadPrefs(key: string): ColumnPrefs {
  try {
    const v = JSON.parse(localStorage.getItem(key) ?? '');
    if (Array.isArray(v.on) && Array.isArray(v.off)) return v;
  } catch {
    /* none stored */
  }
  return { on: [], off: [] };
}

export function savePrefs(key: string, prefs: ColumnPrefs): void {
  try {
    localStorage.setItem(key, JSON.stringify(prefs));
  } catch {
    /* storage full or disabled: the choice lasts for this page only */
  }
}

// Index of a run's metrics/params/tags by key, built once per run for fast cell rendering.
export interface RunIndex { metrics: Map<string, number>; params: Map<string, string>; tags: Map<string, string> }
const cache = new WeakMap<Run, RunIndex>();
export function indexRun(run: Run): RunIndex {
  let ix = cache.get(run);
  if (!ix) {
    ix = {
      metrics: new Map((run.data.metrics ?? []).map((m) => [m.key, m.value])),
      params: new Map((run.data.params ?? []).map((p) => [p.key, p.value])),
      tags: new Map((run.data.tags ?? []).map((t) => [t.key, t.value])),
    };
    cache.set(run, ix);
  }
  return ix;
}

export function runName(run: Run): string {
  return run.info.run_name || indexRun(run).tags.get('mlflow.runName') || run.info.run_id;
}

// Models logged by a run: MLflow 2's mlflow.log-model.history tag and MLflow 3's model outputs.
export function runModels(run: Run): { label: string; path?: string; modelId?: string }[] {
  const out: { label: string; path?: string; modelId?: string }[] = [];
  const hist = indexRun(run).tags.get('mlflow.log-model.history');
  if (hist) {
    try {
      for (const m of JSON.parse(hist) as { artifact_path?: string; flavors?: Record<string, unknown> }[]) {
        if (m.artifact_path) out.push({ label: m.artifact_path, path: m.artifact_path });
      }
    } catch {
      /* malformed tag: ignore */
    }
  }
  for (const m of run.outputs?.model_outputs ?? []) out.push({ label: m.model_id, modelId: m.model_id });
  return out;
}

export function csvEscape(v: string): string {
  return /[",\n\r]/.test(v) ? '"' + v.replace(/"/g, '""') + '"' : v;
}
