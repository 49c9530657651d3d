import { describe, expect, it } from 'vitest';
import type { Run } from './api';
import { aggregateValue, groupByString, groupRuns, NONE_LABEL, parseGroupBy } from './grouping';

const run = (id: string, params: Record<string, string>, metrics: Record<string, number>, dataset?: string): Run => ({
  info: { run_id: id, experiment_id: '1', status: 'FINISHED', lifecycle_stage: 'active' },
  data: {
    params: Object.entries(params).map(([key, value]) => ({ key, value })),
    metrics: Object.entries(metrics).map(([key, value]) => ({ key, value, timestamp: 0, step: 0 })),
  },
  inputs: dataset ? { dataset_inputs: [{ dataset: { name: dataset, digest: 'd1' } }] } : undefined,
});

describe('groupRuns', () => {
  const runs = [
    run('a', { model: 'xgb' }, { f1: 0.5, auc: 0.9 }),
    run('b', { model: 'lr' }, { f1: 0.7 }),
    run('c', {}, { f1: 0.1 }),
    run('d', { model: 'xgb' }, { f1: 0.9 }),
  ];
  it('groups by a param in order of first appearance, runs without the param last', () => {
    const g = groupRuns(runs, { kind: 'param', key: 'model' });
    expect(g.map((x) => x.label)).toEqual(['xgb', 'lr', NONE_LABEL]);
    expect(g[0].runs.map((r) => r.info.run_id)).toEqual(['a', 'd']);
  });
  it('aggregates min / avg / max per metric, over the runs that have it', () => {
    const xgb = groupRuns(runs, { kind: 'param', key: 'model' })[0];
    expect(aggregateValue(xgb.metrics.get('f1'), 'min')).toBe(0.5);
    expect(aggregateValue(xgb.metrics.get('f1'), 'max')).toBe(0.9);
    expect(aggregateValue(xgb.metrics.get('f1'), 'avg')).toBeCloseTo(0.7, 12);
    expect(xgb.metrics.get('auc')?.count).toBe(1);
    expect(aggregateValue(xgb.metrics.get('missing'), 'avg')).toBeUndefined();
  });
  it('groups by dataset', () => {
    const g = groupRuns([run('a', {}, {}, 'tx'), run('b', {}, {}), run('c', {}, {}, 'tx')], { kind: 'dataset', key: '' });
    expect(g.map((x) => [x.label, x.runs.length])).toEqual([['tx (d1)', 2], [NONE_LABEL, 1]]);
  });
  it('a group whose value is the text "(none)" stays apart from runs without a value', () => {
    const g = groupRuns([run('a', { m: NONE_LABEL }, {}), run('b', {}, {})], { kind: 'param', key: 'm' });
    expect(g.length).toBe(2);
    expect(new Set(g.map((x) => x.id)).size).toBe(2);
  });
});

describe('parseGroupBy', () => {
  it('round-trips and refuses junk', () => {
    for (const s of ['param:model', 'tag:team:x', 'dataset']) expect(groupByString(parseGroupBy(s)!)).toBe(s);
    for (const s of ['', 'param:', 'metric:x', 'junk']) expect(parseGroupBy(s)).toBeNull();
  });
});
