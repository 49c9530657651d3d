// Logged models (MLflow 3) of an experiment: their metric columns (one per metric and dataset, as
// MLflow shows them), grouping and ordering done in the page.
import type { LoggedModel } from './api';

export const metricColumn = (m: { key: string; dataset_name?: string }) => (m.dataset_name ? `${m.key} (${m.dataset_name})` : m.key);

// The latest value per metric column (the highest step, then the latest timestamp).
export function modelMetrics(m: LoggedModel): Map<string, number> {
  const best = new Map<string, { v: number; step: number; ts: number }>();
  for (const x of m.data?.metrics ?? []) {
    const k = metricColumn(x);
    const step = Number(x.step ?? 0);
    const ts = Number(x.timestamp ?? 0);
    const cur = best.get(k);
    if (!cur || step > cur.step || (step === cur.step && ts >= cur.ts)) best.set(k, { v: Number(x.value), step, ts });
  }
  return new Map(Array.from(best.entries()).map(([k, x]) => [k, x.v]));
}

export type ModelGroupBy = 'none' | 'source_run' | 'model_type' | 'status';
export const MODEL_GROUPS: Record<ModelGroupBy, string> = { none: 'No grouping', source_run: 'Source run', model_type: 'Model type', status: 'Status' };

export function modelGroupValue(m: LoggedModel, g: ModelGroupBy): string {
  if (g === 'source_run') return m.info.source_run_id ?? '(no run)';
  if (g === 'model_type') return m.info.model_type || '(no type)';
  if (g === 'status') return (m.info.status ?? 'UNKNOWN').replace('LOGGED_MODEL_', '');
  return '';
}

export function groupModels(models: LoggedModel[], g: ModelGroupBy): { label: string; models: LoggedModel[] }[] {
  if (g === 'none') return [{ label: '', models }];
  const m = new Map<string, LoggedModel[]>();
  for (const x of models) {
    const k = modelGroupValue(x, g);
    let l = m.get(k);
    if (!l) m.set(k, (l = []));
    l.push(x);
  }
  return Array.from(m.entries()).map(([label, ms]) => ({ label, models: ms }));
}

// "created" (newest first), "name", or "metric:<column>" (highest first; models without it last).
export function sortModels(models: LoggedModel[], order: string): LoggedModel[] {
  const out = [...models];
  if (order === 'name') out.sort((a, b) => a.info.name.localeCompare(b.info.name));
  else if (order.startsWith('metric:')) {
    const k = order.slice('metric:'.length);
    const v = (m: LoggedModel) => modelMetrics(m).get(k);
    out.sort((a, b) => {
      const x = v(a), y = v(b);
      if (x === undefined) return y === undefined ? 0 : 1;
      if (y === undefined) return -1;
      return y - x;
    });
  } else out.sort((a, b) => (b.info.creation_timestamp_ms ?? 0) - (a.info.creation_timestamp_ms ?? 0));
  return out;
}
