// The runs table: rows and columns are both virtualized (only the cells on screen exist in the
// DOM), so 10,000 runs x hundreds of columns scroll like 10. The name column stays pinned.
import { memo, ReactNode, useRef } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { Run } from '../lib/api';
import { runColor } from '../lib/colors';
import { ColumnDef, indexRun, runModels, runName } from '../lib/columns';
import { formatDuration, formatNumber, formatTime, timeAgo } from '../lib/format';
import { href } from '../lib/router';
import type { RunRow } from '../lib/runtree';
import { Aggregate, aggregateValue, RunGroup } from '../lib/grouping';
import { setHoveredRun, useHoveredRun } from '../lib/hover';

// A row of the table: a run, or the header of a group of runs (when grouped).
export interface GroupRow { group: RunGroup; collapsed: boolean; title: string }
export type TableRow = RunRow | GroupRow;
export const isGroupRow = (r: TableRow): r is GroupRow => 'group' in r;

const ROW_H = 32;
const GROUP_H = 20;
const HEAD_H = 34 + GROUP_H;
const STICKY_W = 340;

const STATUS_DOT: Record<string, string> = {
  FINISHED: 'var(--success)', RUNNING: 'var(--primary)', FAILED: 'var(--danger)', KILLED: 'var(--warning)', SCHEDULED: 'var(--text-placeholder)',
};

export function cellText(run: Run, col: ColumnDef): string {
  const ix = indexRun(run);
  const [kind, ...rest] = col.id.split(':');
  const key = rest.join(':');
  switch (kind) {
    case 'metrics': {
      const v = ix.metrics.get(key);
      return v === undefined ? '' : String(v);
    }
    case 'params':
      return ix.params.get(key) ?? '';
    case 'tags':
      return ix.tags.get(key) ?? '';
  }
  switch (key) {
    case 'created': return formatTime(run.info.start_time);
    case 'duration': return formatDuration(run.info.start_time, run.info.end_time);
    case 'user': return ix.tags.get('mlflow.user') ?? run.info.user_id ?? '';
    case 'source': return ix.tags.get('mlflow.source.name') ?? '';
    case 'version': return ix.tags.get('mlflow.source.git.commit') ?? '';
    case 'models': return runModels(run).map((m) => m.label).join(' ');
    case 'dataset': return (run.inputs?.dataset_inputs ?? []).map((d) => `${d.dataset.name} (${d.dataset.digest})`).join(' ');
    case 'description': return ix.tags.get('mlflow.note.content') ?? '';
    case 'status': return run.info.status;
    case 'run_id': return run.info.run_id;
  }
  return '';
}

function Cell({ run, col }: { run: Run; col: ColumnDef }): ReactNode {
  const ix = indexRun(run);
  const kind = col.id.slice(0, col.id.indexOf(':'));
  const key = col.id.slice(col.id.indexOf(':') + 1);
  if (kind === 'metrics') {
    const v = ix.metrics.get(key);
    return v === undefined ? <span className="muted">-</span> : <span title={String(v)}>{formatNumber(v)}</span>;
  }
  if (kind !== 'attr') {
    const v = cellText(run, col);
    return v === '' ? <span className="muted">-</span> : <span className="ellipsis" title={v}>{v}</span>;
  }
  switch (key) {
    case 'created':
      return (
        <span className="row" title={formatTime(run.info.start_time)}>
          <span className="status-dot" style={{ background: STATUS_DOT[run.info.status] ?? 'var(--border)' }} title={run.info.status} />
          <span className="ellipsis">{timeAgo(run.info.start_time)}</span>
        </span>
      );
    case 'duration':
      return run.info.status === 'RUNNING' && !run.info.end_time ? <span className="muted">running</span> : formatDuration(run.info.start_time, run.info.end_time);
    case 'source': {
      const name = ix.tags.get('mlflow.source.name');
      if (!name) return <span className="muted">-</span>;
      const base = name.split(/[\\/]/).pop();
      return <span className="ellipsis" title={name}>{base}</span>;
    }
    case 'version': {
      const c = ix.tags.get('mlflow.source.git.commit');
      return c ? <span className="mono" title={c}>{c.slice(0, 7)}</span> : <span className="muted">-</span>;
    }
    case 'models': {
      const models = runModels(run);
      if (!models.length) return <span className="muted">-</span>;
      const m = models[0];
      const link = m.modelId
        ? href(['experiments', run.info.experiment_id, 'models', m.modelId])
        : href(['experiments', run.info.experiment_id, 'runs', run.info.run_id, 'artifacts', ...(m.path ?? '').split('/')]);
      return (
        <span className="row ellipsis">
          <a href={link} className="ellipsis" title={m.label}>{m.label}</a>
          {models.length > 1 && <span className="muted">+{models.length - 1}</span>}
        </span>
      );
    }
    case 'dataset': {
      const ds = run.inputs?.dataset_inputs ?? [];
      if (!ds.length) return <span className="muted">-</span>;
      const d = ds[0].dataset;
      return (
        <span className="row ellipsis" title={ds.map((x) => `${x.dataset.name} (${x.dataset.digest})`).join('\n')}>
          <span className="badge ellipsis">{d.name} ({d.digest.slice(0, 8)})</span>
          {ds.length > 1 && <span className="muted">+{ds.length - 1}</span>}
        </span>
      );
    }
    default: {
      const v = cellText(run, col);
      return v === '' ? <span className="muted">-</span> : <span className="ellipsis" title={v}>{v}</span>;
    }
  }
}

interface Props {
  rows: TableRow[];
  aggregate?: Aggregate;
  onToggleGroup?: (groupId: string) => void;
  onSelectGroup?: (group: RunGroup, on: boolean) => void;
  hidden: ReadonlySet<string>;
  pinned: ReadonlySet<string>;
  onToggleHidden: (runId: string) => void;
  onTogglePin: (runId: string) => void;
  columns: ColumnDef[];
  selected: ReadonlySet<string>;
  onToggleSelect: (runId: string) => void;
  onToggleAll: (on: boolean) => void;
  onToggleExpand: (runId: string) => void;
  orderByKey: string;
  orderByAsc: boolean;
  onSort: (key: string) => void;
  onNearEnd?: () => void;
  footer?: ReactNode;
}

export const RunsTable = memo(function RunsTable(p: Props) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const rowV = useVirtualizer({
    count: p.rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_H,
    overscan: 12,
    paddingStart: HEAD_H,
  });
  const colV = useVirtualizer({
    horizontal: true,
    count: p.columns.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: (i) => p.columns[i].width,
    overscan: 4,
    paddingStart: STICKY_W,
  });
  const items = rowV.getVirtualItems();
  const cols = colV.getVirtualItems();
  const totalW = colV.getTotalSize();
  const last = items[items.length - 1];
  if (p.onNearEnd && last && last.index >= p.rows.length - 30) queueMicrotask(p.onNearEnd);
  const allOn = p.rows.length > 0 && p.rows.every((r) => isGroupRow(r) || p.selected.has(r.run.info.run_id));
  const hoveredRun = useHoveredRun();
  return (
    <div className="vtable" ref={scrollRef} role="table" aria-label="Runs" aria-rowcount={p.rows.length}>
      <div style={{ width: totalW, height: rowV.getTotalSize(), position: 'relative' }}>
        <div className="vtable-head" style={{ width: totalW }} role="row">
          <div className="vsticky" style={{ width: STICKY_W, alignItems: 'center', padding: `${GROUP_H}px 10px 0`, gap: 10 }}>
            <input type="checkbox" aria-label="Select all runs" checked={allOn} onChange={(e) => p.onToggleAll(e.target.checked)} />
            <span className="vhead-cell" style={{ display: 'flex' }}>Run Name</span>
          </div>
          {cols.map((c, k) => {
            const col = p.columns[c.index];
            // Group label over the first visible column of each group (Metrics, Parameters, Tags).
            const first = k === 0 || p.columns[cols[k - 1].index].group !== col.group;
            if (!first || col.group === 'Attributes') return null;
            return (
              <div key={`g-${col.id}`} className="vgroup" style={{ left: c.start }}>{col.group}</div>
            );
          })}
          {cols.map((c) => {
            const col = p.columns[c.index];
            const sorted = col.sortKey && col.sortKey === p.orderByKey;
            const groupStart = c.index === 0 || p.columns[c.index - 1].group !== col.group;
            return (
              <div key={col.id} role="columnheader" className={`vcell vhead-cell${groupStart ? ' group-start' : ''}`} style={{ left: c.start, width: c.size, top: GROUP_H, height: HEAD_H - GROUP_H }}
                title={col.sortKey ? `${col.group === 'Attributes' ? '' : col.group + ': '}${col.label} (click to sort)` : col.label}
                aria-sort={sorted ? (p.orderByAsc ? 'ascending' : 'descending') : undefined}
                onClick={() => col.sortKey && p.onSort(col.sortKey)}>
                <span className="ellipsis">{col.label}</span>
                {sorted && <span aria-hidden>{p.orderByAsc ? '▲' : '▼'}</span>}
              </div>
            );
          })}
        </div>
        {items.map((it) => {
          const row = p.rows[it.index];
          if (isGroupRow(row)) return <GroupRowView key={row.group.id} row={row} top={it.start} width={totalW} cols={cols} columns={p.columns} p={p} />;
          const run = row.run;
          const id = run.info.run_id;
          const sel = p.selected.has(id);
          return (
            <div key={id} className={`vrow${sel ? ' selected' : ''}${hoveredRun === id ? ' hovered' : ''}`} style={{ top: it.start, width: totalW }} role="row" data-run-id={id}
              onMouseEnter={() => setHoveredRun(id)} onMouseLeave={() => setHoveredRun(null)}>
              <div className="vsticky" style={{ width: STICKY_W, alignItems: 'center', padding: '0 10px', gap: 8 }}>
                <input type="checkbox" aria-label={`Select run ${runName(run)}`} checked={sel} onChange={() => p.onToggleSelect(id)} />
                <span style={{ width: row.depth * 16, flex: 'none' }} />
                {row.childCount > 0 ? (
                  <button className="expander" aria-label={row.expanded ? 'Collapse child runs' : 'Expand child runs'}
                    aria-expanded={row.expanded} onClick={() => p.onToggleExpand(id)}>{row.expanded ? '▼' : '▶'}</button>
                ) : (
                  <span style={{ width: 16, flex: 'none' }} />
                )}
                <button className={`row-icon${p.pinned.has(id) ? ' on' : ''}`} aria-label={p.pinned.has(id) ? 'Unpin run' : 'Pin run'}
                  title={p.pinned.has(id) ? 'Unpin' : 'Pin to the top'} onClick={() => p.onTogglePin(id)}>
                  <svg width="12" height="12" viewBox="0 0 24 24"><path d="M9 3h6l-1 6 4 4H6l4-4zM12 13v8" fill={p.pinned.has(id) ? 'currentColor' : 'none'} stroke="currentColor" strokeWidth="2" strokeLinejoin="round" /></svg>
                </button>
                <button className={`row-icon${p.hidden.has(id) ? '' : ' on'}`} aria-label={p.hidden.has(id) ? 'Show run in charts' : 'Hide run in charts'}
                  title={p.hidden.has(id) ? 'Hidden in charts' : 'Shown in charts'} onClick={() => p.onToggleHidden(id)}>
                  {p.hidden.has(id)
                    ? <svg width="14" height="14" viewBox="0 0 24 24"><path d="M3 3l18 18M10.6 6.1A9.8 9.8 0 0 1 12 6c5 0 9 6 9 6a17 17 0 0 1-3 3.4M6.6 6.6C4.2 8.2 3 12 3 12s4 6 9 6a9 9 0 0 0 4.4-1.1" fill="none" stroke="currentColor" strokeWidth="2" /></svg>
                    : <svg width="14" height="14" viewBox="0 0 24 24"><path d="M3 12s4-6 9-6 9 6 9 6-4 6-9 6-9-6-9-6z" fill="none" stroke="currentColor" strokeWidth="2" /><circle cx="12" cy="12" r="2.5" fill="currentColor" /></svg>}
                </button>
                <span className="color-dot" style={{ background: p.hidden.has(id) ? 'var(--border)' : runColor(id) }} />
                <a className="ellipsis" href={href(['experiments', run.info.experiment_id, 'runs', id])} title={runName(run)}>{runName(run)}</a>
                {row.childCount > 0 && <span className="muted small" style={{ flex: 'none' }}>{row.childCount}</span>}
              </div>
              {cols.map((c) => {
                const col = p.columns[c.index];
                return (
                  <div key={col.id} className={`vcell${col.numeric ? ' num' : ''}`} style={{ left: c.start, width: c.size }} role="cell">
                    <Cell run={run} col={col} />
                  </div>
                );
              })}
            </div>
          );
        })}
      </div>
    </div>
  );
});

// A group's header row: expander, the shared value, the run count, and per metric column the
// chosen aggregate (min / avg / max) over the group's runs.
function GroupRowView({ row, top, width, cols, columns, p }: {
  row: GroupRow; top: number; width: number; cols: { index: number; start: number; size: number }[]; columns: ColumnDef[]; p: Props;
}) {
  const g = row.group;
  const agg = p.aggregate ?? 'avg';
  const allSel = g.runs.every((r) => p.selected.has(r.info.run_id));
  return (
    <div className="vrow group-row" style={{ top, width }} role="row" data-group={g.label}>
      <div className="vsticky" style={{ width: STICKY_W, alignItems: 'center', padding: '0 10px', gap: 8 }}>
        <input type="checkbox" aria-label={`Select group ${g.label}`} checked={allSel} onChange={(e) => p.onSelectGroup?.(g, e.target.checked)} />
        <button className="expander" aria-label={row.collapsed ? `Expand group ${g.label}` : `Collapse group ${g.label}`} aria-expanded={!row.collapsed}
          onClick={() => p.onToggleGroup?.(g.id)}>{row.collapsed ? '▶' : '▼'}</button>
        <span className="ellipsis" title={`${row.title}: ${g.label}`}><span className="muted">{row.title}: </span><b>{g.label}</b></span>
        <span className="badge" style={{ flex: 'none' }} data-testid="group-count">{g.runs.length}</span>
      </div>
      {cols.map((c) => {
        const col = columns[c.index];
        if (!col.id.startsWith('metrics:')) return null;
        const a = g.metrics.get(col.id.slice('metrics:'.length));
        const v = aggregateValue(a, agg);
        return (
          <div key={col.id} className="vcell num" style={{ left: c.start, width: c.size }} role="cell" data-metric={col.label}
            title={a ? `${agg} over ${a.count} run${a.count === 1 ? '' : 's'}: ${v}` : undefined}>
            {v === undefined ? <span className="muted">-</span> : <span data-value={v}>{formatNumber(v)}</span>}
          </div>
        );
      })}
    </div>
  );
}
