// Run colours shared by the runs table and every chart: a fixed palette indexed by a hash of the
// run id, so a run keeps its colour across pages and reloads.
const PALETTE = [
  '#077a9d', '#e0542f', '#9b5de5', '#2a9d3f', '#d4a106', '#c2185b', '#3f6ad8', '#00897b',
  '#8d6e63', '#f57c00', '#5e35b1', '#43a047', '#e53935', '#1e88e5', '#6d4c41', '#00acc1',
];

export function runColor(runId: string): string {
  let h = 2166136261;
  for (let i = 0; i < runId.length; i++) h = Math.imul(h ^ runId.charCodeAt(i), 16777619);
  return PALETTE[(h >>> 0) % PALETTE.length];
}
