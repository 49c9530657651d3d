import { describe, expect, it } from 'vitest';
import { clampSize, CUSTOM_SECTION, moveChart, reconcile, removeChart, sections, upsertChart } from './chartLayout';

describe('chart layout', () => {
  it('starts with one chart per metric and adds charts only for metrics never seen', () => {
    const a = reconcile(null, ['loss', 'acc']);
    expect(a.charts.map((c) => c.metric)).toEqual(['loss', 'acc']);
    const b = removeChart(a, 'auto:loss');
    const c = reconcile(b, ['loss', 'acc', 'f1']);
    expect(c.charts.map((x) => x.metric)).toEqual(['acc', 'f1']);  // the deleted loss chart stays deleted
    expect(reconcile(c, ['acc', 'f1'])).toBe(c);
  });
  it('moves a chart to another chart\'s place, both ways', () => {
    const l = reconcile(null, ['a', 'b', 'c', 'd']);
    expect(moveChart(l, 'auto:a', 'auto:c').charts.map((x) => x.metric)).toEqual(['b', 'c', 'a', 'd']);
    expect(moveChart(l, 'auto:d', 'auto:b').charts.map((x) => x.metric)).toEqual(['a', 'd', 'b', 'c']);
    expect(moveChart(l, 'auto:a', 'nope')).toBe(l);
  });
  it('adds new charts first and edits in place', () => {
    const l = reconcile(null, ['a']);
    const s = upsertChart(l, { id: 's1', type: 'scatter', x: 'params:lr', y: 'metrics:a', span: 1, height: 300 });
    expect(s.charts.map((c) => c.id)).toEqual(['s1', 'auto:a']);
    const e = upsertChart(s, { ...s.charts[1], type: 'bar' });
    expect(e.charts[1].type).toBe('bar');
    expect(e.charts.length).toBe(2);
  });
  it('clamps sizes and sorts sections (custom, model metrics, then prefixes)', () => {
    expect(clampSize(7, 5)).toEqual({ span: 3, height: 160 });
    expect(clampSize(0.2, 5000)).toEqual({ span: 1, height: 800 });
    const l = upsertChart(reconcile(null, ['system/cpu', 'loss']), { id: 'p', type: 'parallel', dims: [], span: 2, height: 300 });
    expect(sections(l.charts).map(([s]) => s)).toEqual([CUSTOM_SECTION, 'Model metrics', 'system']);
  });
});
