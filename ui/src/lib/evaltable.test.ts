import { describe, expect, it } from 'vitest';
import { asEvalTable, cellString } from './evaltable';

describe('asEvalTable', () => {
  it('recognises pandas split JSON', () => {
    const t = asEvalTable({ columns: ['question', 'score'], data: [['why?', 0.5], ['how?', 1]] });
    expect(t).toEqual({ columns: ['question', 'score'], rows: [['why?', 0.5], ['how?', 1]] });
  });
  it('refuses other JSON', () => {
    for (const v of [null, [], { columns: [] , data: [] }, { columns: ['a'] }, { columns: ['a'], data: [1] }, { columns: ['a'], data: [[1, 2]] }, { columns: [{}], data: [] }, 'x']) {
      expect(asEvalTable(v)).toBeNull();
    }
  });
  it('prints cells', () => {
    expect(cellString(null)).toBe('');
    expect(cellString(1.5)).toBe('1.5');
    expect(cellString({ a: [1] })).toBe('{"a":[1]}');
  });
});
