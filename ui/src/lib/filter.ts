// Helpers around MLflow's search syntax (the server parses it: src/search/): column keys and
// order_by clauses as the runs table uses them, the created-time ranges, and key completion.

export type ColumnKind = 'attributes' | 'metrics' | 'params' | 'tags';

// "metrics.`val loss`": MLflow's UI always quotes entity names with backticks in orderByKey.
export function entityKey(kind: ColumnKind, name: string): string {
  if (kind === 'attributes') return `attributes.${name}`;
  return `${kind}.\`${name.replace(/`/g, '')}\``;
}

export function parseEntityKey(key: string): { kind: ColumnKind; name: string } | null {
  const m = /^(attributes|metrics|params|tags)\.(?:`([^`]*)`|"([^"]*)"|(.+))$/.exec(key);
  if (!m) return null;
  return { kind: m[1] as ColumnKind, name: m[2] ?? m[3] ?? m[4] };
}

export function orderByClause(key: string, asc: boolean): string {
  return `${key} ${asc ? 'ASC' : 'DESC'}`;
}

export const TIME_RANGES: Record<string, { label: string; ms: number }> = {
  ALL: { label: 'All time', ms: 0 },
  LAST_HOUR: { label: 'Last hour', ms: 3600e3 },
  LAST_24_HOURS: { label: 'Last 24 hours', ms: 86400e3 },
  LAST_7_DAYS: { label: 'Last 7 days', ms: 7 * 86400e3 },
  LAST_30_DAYS: { label: 'Last 30 days', ms: 30 * 86400e3 },
  LAST_YEAR: { label: 'Last year', ms: 365 * 86400e3 },
};

// The user's filter AND the created-time range (MLflow's startTime URL parameter).
export function effectiveFilter(userFilter: string, startTime: string | null | undefined, now = Date.now()): string {
  const parts: string[] = [];
  const f = userFilter.trim();
  if (f) parts.push(f);
  const range = startTime ? TIME_RANGES[startTime] : undefined;
  if (range && range.ms > 0) parts.push(`attributes.start_time >= ${Math.floor(now - range.ms)}`);
  return parts.join(' and ');
}

const ATTRIBUTES = ['run_id', 'run_name', 'status', 'artifact_uri', 'user_id', 'start_time', 'end_time', 'created'];
const DATASET_FIELDS = ['name', 'digest', 'context'];

export interface Completion { start: number; end: number; options: string[] }

// Completions for the word under the cursor: entity prefixes, then keys once a prefix is typed
// ("metrics.lo" -> metrics.loss). Keys with spaces or dashes are offered back-quoted.
export function completeFilter(
  text: string, cursor: number, keys: { metrics: string[]; params: string[]; tags: string[] },
): Completion | null {
  let start = cursor;
  while (start > 0 && !/[\s(),=<>!]/.test(text[start - 1])) start--;
  const word = text.slice(start, cursor);
  if (!word) return null;
  const dot = word.indexOf('.');
  const quote = (k: string) => (/^[A-Za-z_][A-Za-z0-9_]*$/.test(k) ? k : '`' + k + '`');
  let options: string[];
  if (dot < 0) {
    options = ['metrics.', 'params.', 'tags.', 'attributes.', 'datasets.'].filter((p) => p.startsWith(word.toLowerCase()));
  } else {
    const prefix = word.slice(0, dot).toLowerCase();
    const partial = word.slice(dot + 1).replace(/^`/, '').toLowerCase();
    const pool =
      prefix === 'metrics' || prefix === 'metric' ? keys.metrics
      : prefix === 'params' || prefix === 'param' ? keys.params
      : prefix === 'tags' || prefix === 'tag' ? keys.tags
      : prefix === 'attributes' || prefix === 'attribute' || prefix === 'attr' || prefix === 'run' ? ATTRIBUTES
      : prefix === 'datasets' || prefix === 'dataset' ? DATASET_FIELDS
      : [];
    options = pool.filter((k) => k.toLowerCase().startsWith(partial)).map((k) => `${word.slice(0, dot)}.${quote(k)}`);
  }
  options = options.filter((o) => o !== word).slice(0, 12);
  return options.length ? { start, end: cursor, options } : null;
}
