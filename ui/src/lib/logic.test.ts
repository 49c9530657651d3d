import { describe, expect, it } from 'vitest';
import { emaSmooth } from './smoothing';
import { minMaxDownsample } from './downsample';
import { completeFilter, effectiveFilter, entityKey, orderByClause, parseEntityKey } from './filter';
import { buildRunRows } from './runtree';
import { parseCsv } from './csv';
import { renderMarkdown } from './markdown';
import { parseMlModel } from './mlmodel';
import { queryString, type Run } from './api';
import { pointsPerRun } from '../charts/MetricChartCard';

describe('emaSmooth', () => {
  it('is the identity at weight 0', () => {
    expect(emaSmooth([1, 5, 3], 0)).toEqual([1, 5, 3]);
  });
  it('is debiased: a constant series stays constant', () => {
    const out = emaSmooth([2, 2, 2, 2], 0.9) as number[];
    out.forEach((v) => expect(v).toBeCloseTo(2, 10));
  });
  it('smooths a step and lets NaN through without poisoning', () => {
    const out = emaSmooth([0, 0, NaN, 10, 10], 0.5) as number[];
    expect(out[2]).toBeNaN();
    expect(out[3]).toBeGreaterThan(0);
    expect(out[3]).toBeLessThan(10);
    expect(out[4]).toBeGreaterThan(out[3]);
  });
});

describe('minMaxDownsample', () => {
  it('keeps short series whole', () => {
    expect(minMaxDownsample([1, 2, 3], [4, 5, 6], 10)).toEqual({ xs: [1, 2, 3], ys: [4, 5, 6] });
  });
  it('keeps a single spike among 100,000 points', () => {
    const n = 100000;
    const xs = Array.from({ length: n }, (_, i) => i);
    const ys = xs.map(() => 1);
    ys[77777] = 1000;
    ys[12345] = -50;
    const d = minMaxDownsample(xs, ys, 500);
    expect(d.xs.length).toBeLessThanOrEqual(2000);
    expect(Math.max(...d.ys)).toBe(1000);
    expect(Math.min(...d.ys)).toBe(-50);
    expect(d.xs[0]).toBe(0);
    expect(d.xs[d.xs.length - 1]).toBe(n - 1);
    for (let i = 1; i < d.xs.length; i++) expect(d.xs[i]).toBeGreaterThan(d.xs[i - 1]);
  });
});

describe('filter helpers', () => {
  it('quotes entity keys with backticks, as MLflow does in orderByKey', () => {
    expect(entityKey('metrics', 'val loss')).toBe('metrics.`val loss`');
    expect(entityKey('attributes', 'start_time')).toBe('attributes.start_time');
    expect(parseEntityKey('params.`lr`')).toEqual({ kind: 'params', name: 'lr' });
    expect(parseEntityKey('nonsense')).toBeNull();
    expect(orderByClause('metrics.`f1`', false)).toBe('metrics.`f1` DESC');
  });
  it('adds the created-time range to the user filter', () => {
    expect(effectiveFilter('', 'ALL', 1000)).toBe('');
    expect(effectiveFilter(' params.a = "1" ', 'LAST_HOUR', 7200e3)).toBe('params.a = "1" and attributes.start_time >= 3600000');
  });
  it('completes prefixes and keys', () => {
    const keys = { metrics: ['loss', 'log loss', 'acc'], params: ['lr'], tags: [] };
    expect(completeFilter('met', 3, keys)?.options).toEqual(['metrics.']);
    expect(completeFilter('metrics.lo', 10, keys)?.options).toEqual(['metrics.loss', 'metrics.`log loss`']);
    expect(completeFilter('params.lr = 1 and metrics.a', 27, keys)).toEqual({ start: 18, end: 27, options: ['metrics.acc'] });
    expect(completeFilter('', 0, keys)).toBeNull();
  });
});

function run(id: string, parent?: string): Run {
  return { info: { run_id: id, experiment_id: '1', status: 'FINISHED', lifecycle_stage: 'active' }, data: { tags: parent ? [{ key: 'mlflow.parentRunId', value: parent }] : [] } };
}

describe('buildRunRows', () => {
  const runs = [run('c1', 'p'), run('p'), run('c2', 'p'), run('orphan', 'missing'), run('g', 'c1')];
  it('nests children under loaded parents, collapsed by default', () => {
    const rows = buildRunRows(runs, new Set());
    expect(rows.map((r) => r.run.info.run_id)).toEqual(['p', 'orphan']);
    expect(rows[0].childCount).toBe(2);
  });
  it('expands to any depth', () => {
    const rows = buildRunRows(runs, new Set(['p', 'c1']));
    expect(rows.map((r) => [r.run.info.run_id, r.depth])).toEqual([['p', 0], ['c1', 1], ['g', 2], ['c2', 1], ['orphan', 0]]);
  });
  it('survives a parent cycle and loses no run', () => {
    const rows = buildRunRows([run('a', 'b'), run('b', 'a')], new Set(['a', 'b']));
    expect(rows.map((r) => r.run.info.run_id)).toEqual(['a', 'b']);
  });
  it('is flat when nesting is off', () => {
    expect(buildRunRows(runs, new Set(), false).length).toBe(5);
  });
});

describe('parseCsv', () => {
  it('handles quotes, escaped quotes, CRLF and a row cap', () => {
    expect(parseCsv('a,b\r\n"x, y","say ""hi"""\n1,2\n')).toEqual([['a', 'b'], ['x, y', 'say "hi"'], ['1', '2']]);
    expect(parseCsv('a\n1\n2\n3\n', ',', 2)).toEqual([['a'], ['1']]);
    expect(parseCsv('a\tb\n1\t2', '\t')).toEqual([['a', 'b'], ['1', '2']]);
  });
});

describe('renderMarkdown', () => {
  it('escapes HTML and renders basics', () => {
    const html = renderMarkdown('# Title\n<script>alert(1)</script>\n- **a**\n- `b`\n[x](javascript:alert(1)) [y](https://e.org)');
    expect(html).not.toContain('<script>');
    expect(html).toContain('<h1>Title</h1>');
    expect(html).toContain('<strong>a</strong>');
    expect(html).toContain('<code>b</code>');
    expect(html).not.toContain('href="javascript');
    expect(html).toContain('href="https://e.org"');
  });
});

describe('parseMlModel', () => {
  it('reads flavors and the signature', () => {
    const info = parseMlModel(`artifact_path: model
flavors:
  python_function:
    loader_module: mlflow.sklearn
  sklearn:
    pickled_model: model.pkl
signature:
  inputs: '[{"type": "double", "name": "x"}]'
  outputs: '[{"type": "long", "name": "y"}]'
`);
    expect(info.flavors).toEqual(['python_function', 'sklearn']);
    expect(info.inputs).toEqual([{ type: 'double', name: 'x' }]);
    expect(info.outputs?.[0].name).toBe('y');
  });
});

describe('queryString', () => {
  it('repeats list keys and drops undefined', () => {
    expect(queryString({ run_ids: ['a', 'b'], metric_key: 'm s', x: undefined })).toBe('run_ids=a&run_ids=b&metric_key=m%20s');
  });
});

describe('pointsPerRun', () => {
  it('keeps a chosen number, else scales with the run count', () => {
    expect(pointsPerRun(2500, 100)).toBe(2500);
    expect(pointsPerRun(0, 10)).toBe(1000);
    expect(pointsPerRun(0, 100)).toBe(500);
    expect(pointsPerRun(0, 1000)).toBe(320);
    expect(pointsPerRun(0, 10000)).toBe(32);
    expect(pointsPerRun(0, 100000)).toBe(10);
  });
});
