import { describe, expect, it } from 'vitest';
import { pairByStep, parseXAxis } from './xaxis';

describe('pairByStep (x-axis = another metric)', () => {
  const m = (step: number, value: number) => ({ key: 'k', value, timestamp: 0, step });
  it('pairs values logged at the same step, sorted by x, and leaves out unpaired steps', () => {
    const out = pairByStep([m(0, 1), m(1, 2), m(2, 3), m(5, 9)], [m(0, 0.9), m(1, 0.1), m(2, 0.5)]);
    expect(out).toEqual([{ x: 0.1, y: 2, step: 1 }, { x: 0.5, y: 3, step: 2 }, { x: 0.9, y: 1, step: 0 }]);
  });
  it('parses the URL value', () => {
    expect(parseXAxis('metric:accuracy')).toEqual({ mode: 'metric', key: 'accuracy' });
    expect(parseXAxis('metric:')).toEqual({ mode: 'step' });
    expect(parseXAxis('relative')).toEqual({ mode: 'relative' });
    expect(parseXAxis(null)).toEqual({ mode: 'step' });
  });
});
