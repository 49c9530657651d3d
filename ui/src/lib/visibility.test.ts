import { describe, expect, it } from 'vitest';
import { isRunHidden, VISIBILITY_MODES } from './visibility';

describe('isRunHidden', () => {
  const hidden = (mode: Parameters<typeof isRunHidden>[0], n: number, overrides = {}, status = 'RUNNING') =>
    Array.from({ length: n }, (_, i) => isRunHidden(mode, overrides, `r${i}`, i, status)).filter(Boolean).length;
  it('offers MLflow\'s five choices', () => {
    expect(VISIBILITY_MODES.map((m) => m.label)).toEqual(['Show first 10', 'Show first 20', 'Show all runs', 'Hide all runs', 'Hide finished runs']);
  });
  it('shows the first 10 or 20 rows, all or none', () => {
    expect(hidden('FIRST_10_RUNS', 50)).toBe(40);
    expect(hidden('FIRST_20_RUNS', 50)).toBe(30);
    expect(hidden('SHOW_ALL', 50)).toBe(0);
    expect(hidden('HIDE_ALL', 50)).toBe(50);
  });
  it('hides ended runs only in HIDE_FINISHED_RUNS', () => {
    for (const s of ['FINISHED', 'FAILED', 'KILLED']) expect(isRunHidden('HIDE_FINISHED_RUNS', {}, 'a', 0, s)).toBe(true);
    expect(isRunHidden('HIDE_FINISHED_RUNS', {}, 'a', 99, 'RUNNING')).toBe(false);
  });
  it('lets a per-run choice win over the mode', () => {
    expect(isRunHidden('HIDE_ALL', { a: true }, 'a', 0)).toBe(false);
    expect(isRunHidden('SHOW_ALL', { a: false }, 'a', 0)).toBe(true);
    expect(isRunHidden('FIRST_10_RUNS', { a: true }, 'a', 500)).toBe(false);
  });
});
