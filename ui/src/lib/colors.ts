// Run colours shared by the runs table and every chart: a fixed palette indexed by a hash of the
// run id, so a run keeps its colour across pages and reloads. Any two runs may land on any two
// entries, so every pair must be told apart, not only neighbours: each pair of entries is at least
// 30 apart in CIELAB (colors.test.ts checks it; the palette before had teals and greens under 10),
// each entry contrasts at least 2.2:1 with the light background and 2.9:1 with the dark one, and
// the order puts strongly different colours side by side.
export const PALETTE = [
  '#009e73', '#d62728', '#2ca02c', '#3f6ad8', '#8db600', '#c2185b', '#56b4e9', '#ff7f0e',
  '#0067a5', '#d4a106', '#875692', '#827717', '#e68fac', '#76b7b2', '#f99379', '#8c564b',
];

export function runColor(runId: string): string {
  let h = 2166136261;
  for (let i = 0; i < runId.length; i++) h = Math.imul(h ^ runId.charCodeAt(i), 16777619);
  return PALETTE[(h >>> 0) % PALETTE.length];
}
