import { describe, expect, it } from 'vitest';
import type { LoggedModel } from './api';
import { groupModels, modelMetrics, sortModels } from './loggedModels';

const lm = (id: string, created: number, run: string, metrics: { key: string; value: number; step?: number; dataset_name?: string }[]): LoggedModel => ({
  info: { model_id: id, experiment_id: '1', name: id, creation_timestamp_ms: created, source_run_id: run },
  data: { metrics: metrics.map((m) => ({ timestamp: 0, step: 0, ...m })) },
});

describe('logged models', () => {
  const ms = [lm('a', 1, 'r1', [{ key: 'f1', value: 0.5 }]), lm('b', 3, 'r2', [{ key: 'f1', value: 0.9 }, { key: 'f1', value: 0.7, step: 2 }]), lm('c', 2, 'r1', [])];
  it('takes the latest step of each metric and dataset', () => {
    expect(modelMetrics(ms[1]).get('f1')).toBe(0.7);
    expect(modelMetrics(lm('x', 0, 'r', [{ key: 'f1', value: 1, dataset_name: 'test' }])).get('f1 (test)')).toBe(1);
  });
  it('sorts by creation, name and metric (models without it last)', () => {
    expect(sortModels(ms, 'created').map((m) => m.info.model_id)).toEqual(['b', 'c', 'a']);
    expect(sortModels(ms, 'name').map((m) => m.info.model_id)).toEqual(['a', 'b', 'c']);
    expect(sortModels(ms, 'metric:f1').map((m) => m.info.model_id)).toEqual(['b', 'a', 'c']);
  });
  it('groups by source run', () => {
    expect(groupModels(ms, 'source_run').map((g) => [g.label, g.models.length])).toEqual([['r1', 2], ['r2', 1]]);
  });
});
