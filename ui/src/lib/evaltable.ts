// Evaluation tables: mlflow.log_table() and mlflow.evaluate() write JSON in pandas' "split"
// layout, {"columns": [...], "data": [[...], ...]} (inputs, outputs, scores per row). Such a file
// is shown as a grid rather than as raw JSON.

export interface EvalTable { columns: string[]; rows: unknown[][] }

export function asEvalTable(v: unknown): EvalTable | null {
  if (!v || typeof v !== 'object' || Array.isArray(v)) return null;
  const o = v as { columns?: unknown; data?: unknown };
  const cols = o.columns;
  if (!Array.isArray(cols) || !Array.isArray(o.data) || cols.length === 0) return null;
  if (!cols.every((c) => typeof c === 'string' || typeof c === 'number')) return null;
  if (!o.data.every((r) => Array.isArray(r) && r.length <= cols.length)) return null;
  return { columns: cols.map(String), rows: o.data as unknown[][] };
}

// A cell as text: strings as they are, numbers and booleans printed, objects as compact JSON,
// null and missing as empty.
export function cellString(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  try {
    return JSON.stringify(v);
  } catch {
    return String(v);
  }
}
