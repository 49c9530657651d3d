// The chart grid's layout: which charts, in which order, of which size. Every metric gets a line
// chart automatically the first time it is seen; after that the user's changes (added scatter or
// parallel-coordinates charts, deleted charts, order, size) are kept per experiment in
// localStorage, as MLflow keeps its chart layout per experiment.

export type ChartType = 'line' | 'bar' | 'scatter' | 'parallel';
export interface ChartConfig {
  id: string;
  type: ChartType;
  metric?: string;     // line, bar
  x?: string;          // scatter: "params:lr" / "metrics:f1"
  y?: string;
  dims?: string[];     // parallel coordinates
  span: number;        // grid columns, 1..3
  height: number;      // px of the plot
  yMin?: number;       // line charts: a fixed y-axis range (either end may stay automatic)
  yMax?: number;
}
export interface ChartLayout {
  charts: ChartConfig[];
  known: string[];     // metrics already given their automatic chart (a deleted one stays deleted)
}

export const DEFAULT_HEIGHT = 260;
export const MIN_HEIGHT = 160;
export const MAX_HEIGHT = 800;
export const MAX_SPAN = 3;

let counter = 0;
export function newChartId(): string {
  counter = (counter + 1) % 1e6;
  return `c${Date.now().toString(36)}${counter.toString(36)}`;
}

const autoChart = (metric: string): ChartConfig => ({ id: `auto:${metric}`, type: 'line', metric, span: 1, height: DEFAULT_HEIGHT });

// The stored layout brought up to date with the metrics the runs have now.
export function reconcile(layout: ChartLayout | null, metricKeys: string[]): ChartLayout {
  if (!layout) return { charts: metricKeys.map(autoChart), known: [...metricKeys] };
  const known = new Set(layout.known);
  const fresh = metricKeys.filter((k) => !known.has(k));
  if (!fresh.length) return layout;
  return { charts: [...layout.charts, ...fresh.map(autoChart)], known: [...layout.known, ...fresh] };
}

// Moves chart `from` to the place of chart `to` (before it when moving up, after it when down).
export function moveChart(layout: ChartLayout, from: string, to: string): ChartLayout {
  const i = layout.charts.findIndex((c) => c.id === from);
  const j = layout.charts.findIndex((c) => c.id === to);
  if (i < 0 || j < 0 || i === j) return layout;
  const charts = [...layout.charts];
  const [c] = charts.splice(i, 1);
  charts.splice(j, 0, c);
  return { ...layout, charts };
}

export function upsertChart(layout: ChartLayout, chart: ChartConfig): ChartLayout {
  const i = layout.charts.findIndex((c) => c.id === chart.id);
  const charts = [...layout.charts];
  if (i >= 0) charts[i] = chart;
  else charts.unshift(chart);  // a new chart goes first, where the user sees it
  return { ...layout, charts };
}

export function removeChart(layout: ChartLayout, id: string): ChartLayout {
  return { ...layout, charts: layout.charts.filter((c) => c.id !== id) };
}

export function clampSize(span: number, height: number): { span: number; height: number } {
  return {
    span: Math.min(MAX_SPAN, Math.max(1, Math.round(span) || 1)),
    height: Math.min(MAX_HEIGHT, Math.max(MIN_HEIGHT, Math.round(height) || DEFAULT_HEIGHT)),
  };
}

function validChart(c: unknown): c is ChartConfig {
  const x = c as ChartConfig;
  return !!x && typeof x.id === 'string' && ['line', 'bar', 'scatter', 'parallel'].includes(x.type)
    && typeof x.span === 'number' && typeof x.height === 'number';
}

export function loadLayout(key: string): ChartLayout | null {
  try {
    const v = JSON.parse(localStorage.getItem(key) ?? '');
    if (v && Array.isArray(v.charts) && Array.isArray(v.known)) {
      return { charts: v.charts.filter(validChart).map((c: ChartConfig) => ({ ...c, ...clampSize(c.span, c.height) })), known: v.known.map(String) };
    }
  } catch {
    /* none stored, or unreadable: start from the automatic layout */
  }
  return null;
}

export function saveLayout(key: string, layout: ChartLayout): void {
  try {
    localStorage.setItem(key, JSON.stringify(layout));
  } catch {
    /* storage full or disabled: the layout lasts for this page only */
  }
}

// Sections by metric prefix ("system/cpu" -> "system"), as MLflow groups them; charts that are
// not about one metric (scatter, parallel coordinates) go in "Custom charts", shown first.
export const MODEL_SECTION = 'Model metrics';
export const CUSTOM_SECTION = 'Custom charts';
export function sectionOf(c: ChartConfig): string {
  if (c.type === 'scatter' || c.type === 'parallel' || !c.metric) return CUSTOM_SECTION;
  const slash = c.metric.indexOf('/');
  return slash > 0 ? c.metric.slice(0, slash) : MODEL_SECTION;
}

export function sections(charts: ChartConfig[]): [string, ChartConfig[]][] {
  const m = new Map<string, ChartConfig[]>();
  for (const c of charts) {
    const s = sectionOf(c);
    let l = m.get(s);
    if (!l) m.set(s, (l = []));
    l.push(c);
  }
  const rank = (s: string) => (s === CUSTOM_SECTION ? 0 : s === MODEL_SECTION ? 1 : 2);
  return Array.from(m.entries()).sort((a, b) => rank(a[0]) - rank(b[0]) || a[0].localeCompare(b[0]));
}
