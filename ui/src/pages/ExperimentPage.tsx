import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { api, ApiError, Experiment, Run, tagValue } from '../lib/api';
import { allColumns, collectKeys, ColumnDef, ColumnPrefs, csvEscape, loadPrefs, runName, savePrefs, toggleColumn, visibleColumns } from '../lib/columns';
import { completeFilter, Completion, effectiveFilter, orderByClause, parseEntityKey, TIME_RANGES } from '../lib/filter';
import { href, navigate, setQuery, useRoute } from '../lib/router';
import { buildRunRows } from '../lib/runtree';
import { useAsync } from '../lib/useAsync';
import { ConfirmModal, DescriptionEditor, Empty, ErrorBox, Loading, Spinner, Tabs } from '../components/common';
import { cellText, isGroupRow, RunsTable, TableRow } from '../components/RunsTable';
import { Aggregate, groupByString, groupOptions, groupRuns, parseGroupBy, RunGroup } from '../lib/grouping';
import { ChartsView } from '../charts/ChartsView';
import { ArtifactCompare } from '../components/ArtifactCompare';
import { LoggedModelsTable } from './LoggedModelsTable';
import { DEFAULT_MODE, isRunHidden, isVisibilityMode, VISIBILITY_MODES, VisibilityMode } from '../lib/visibility';

const FIRST_PAGE = 100;
const NEXT_PAGE = 1000;
const REFRESH_MS = 30000;

interface RunsState {
  runs: Run[];
  next?: string;
  loading: boolean;
  error?: unknown;
  loadingMore: boolean;
}

// Runs of the experiments, page by page, for the current filter / order / lifecycle.
function useRuns(experimentIds: string[], filter: string, orderBy: string[], viewType: string) {
  const [state, setState] = useState<RunsState>({ runs: [], loading: true, loadingMore: false });
  const seq = useRef(0);
  const idsKey = experimentIds.join(',');
  const orderKey = orderBy.join(',');
  const load = useCallback(() => {
    const id = ++seq.current;
    setState((s) => ({ ...s, loading: true, error: undefined }));
    api.searchRuns({ experiment_ids: experimentIds, filter: filter || undefined, run_view_type: viewType, max_results: FIRST_PAGE, order_by: orderBy }).then(
      (r) => id === seq.current && setState({ runs: r.runs ?? [], next: r.next_page_token, loading: false, loadingMore: false }),
      (e) => id === seq.current && setState({ runs: [], loading: false, loadingMore: false, error: e }),
    );
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [idsKey, filter, orderKey, viewType]);
  useEffect(load, [load]);
  const stateRef = useRef(state);
  stateRef.current = state;
  const loadMore = useCallback(async (all = false) => {
    const id = seq.current;
    const s = stateRef.current;
    if (!s.next || s.loadingMore || s.loading) return;
    stateRef.current = { ...s, loadingMore: true };
    setState((x) => ({ ...x, loadingMore: true }));
    let token: string | undefined = s.next;
    try {
      for (let i = 0; i < 200 && token; i++) {
        const r = await api.searchRuns({ experiment_ids: experimentIds, filter: filter || undefined, run_view_type: viewType, max_results: NEXT_PAGE, order_by: orderBy, page_token: token });
        if (id !== seq.current) return;
        token = r.next_page_token;
        const more = r.runs ?? [];
        const done = !all || !token;
        setState((x) => ({ ...x, runs: x.runs.concat(more), next: token, loadingMore: !done }));
        if (done) break;
      }
    } catch (e) {
      if (id === seq.current) setState((x) => ({ ...x, loadingMore: false, error: e }));
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [idsKey, filter, orderKey, viewType]);
  // Refresh in place: the first page again, merged into what is loaded (live status and metrics).
  const refresh = useCallback(async () => {
    const id = seq.current;
    try {
      const r = await api.searchRuns({ experiment_ids: experimentIds, filter: filter || undefined, run_view_type: viewType, max_results: FIRST_PAGE, order_by: orderBy });
      if (id !== seq.current) return;
      setState((s) => {
        const fresh = new Map((r.runs ?? []).map((x) => [x.info.run_id, x]));
        const known = new Set(s.runs.map((x) => x.info.run_id));
        const added = (r.runs ?? []).filter((x) => !known.has(x.info.run_id));
        return { ...s, runs: [...added, ...s.runs.map((x) => fresh.get(x.info.run_id) ?? x)] };
      });
    } catch {
      /* a failed background refresh keeps the current rows; the next one retries */
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [idsKey, filter, orderKey, viewType]);
  return { ...state, reload: load, loadMore, refresh };
}

function FilterBox({ value, error, keys, onSubmit }: {
  value: string; error?: string; keys: { metrics: string[]; params: string[]; tags: string[] }; onSubmit: (v: string) => void;
}) {
  const [draft, setDraft] = useState(value);
  const [comp, setComp] = useState<Completion | null>(null);
  const [active, setActive] = useState(0);
  const inputRef = useRef<HTMLInputElement>(null);
  useEffect(() => setDraft(value), [value]);
  const update = (text: string, cursor: number) => {
    setDraft(text);
    setComp(completeFilter(text, cursor, keys));
    setActive(0);
  };
  const accept = (opt: string) => {
    if (!comp) return;
    const next = draft.slice(0, comp.start) + opt + draft.slice(comp.end);
    setDraft(next);
    setComp(null);
    requestAnimationFrame(() => {
      const pos = comp.start + opt.length;
      inputRef.current?.setSelectionRange(pos, pos);
      inputRef.current?.focus();
    });
  };
  return (
    <div className="search-box">
      <form onSubmit={(e) => { e.preventDefault(); setComp(null); onSubmit(draft.trim()); }}>
        <input ref={inputRef} type="search" value={draft} className={error ? 'invalid' : ''} aria-label="Search runs"
          aria-invalid={!!error} spellCheck={false}
          placeholder={"metrics.rmse < 1 and params.model = 'tree'"}
          onChange={(e) => update(e.target.value, e.target.selectionStart ?? e.target.value.length)}
          onBlur={() => setTimeout(() => setComp(null), 150)}
          onKeyDown={(e) => {
            if (!comp) return;
            if (e.key === 'ArrowDown') { e.preventDefault(); setActive((a) => Math.min(a + 1, comp.options.length - 1)); }
            else if (e.key === 'ArrowUp') { e.preventDefault(); setActive((a) => Math.max(a - 1, 0)); }
            else if (e.key === 'Tab') { e.preventDefault(); accept(comp.options[active]); }
            else if (e.key === 'Escape') setComp(null);
          }} />
      </form>
      {comp && (
        <div className="completions" role="listbox">
          {comp.options.map((o, i) => (
            <div key={o} role="option" aria-selected={i === active} className={i === active ? 'on' : ''} onMouseDown={(e) => { e.preventDefault(); accept(o); }}>{o}</div>
          ))}
        </div>
      )}
      {error && <div className="filter-error" role="alert" data-testid="filter-error">{error}</div>}
    </div>
  );
}

function ColumnPicker({ columns, prefs, onChange, onClose }: {
  columns: ColumnDef[]; prefs: ColumnPrefs; onChange: (p: ColumnPrefs) => void; onClose: () => void;
}) {
  const [q, setQ] = useState('');
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const on = (e: MouseEvent) => ref.current && !ref.current.contains(e.target as Node) && onClose();
    setTimeout(() => window.addEventListener('mousedown', on));
    return () => window.removeEventListener('mousedown', on);
  }, [onClose]);
  const visible = new Set(visibleColumns(columns, prefs).map((c) => c.id));
  const groups = ['Attributes', 'Metrics', 'Parameters', 'Tags'] as const;
  return (
    <div className="menu" ref={ref} style={{ right: 0, top: 36 }} role="dialog" aria-label="Columns">
      <div className="item"><input type="search" placeholder="Search columns" value={q} onChange={(e) => setQ(e.target.value)} style={{ width: '100%' }} autoFocus /></div>
      {groups.map((g) => {
        const cols = columns.filter((c) => c.group === g && c.label.toLowerCase().includes(q.toLowerCase()));
        if (!cols.length) return null;
        const allOn = cols.every((c) => visible.has(c.id));
        return (
          <div key={g}>
            <div className="group-title row">
              {g}
              <div className="spacer" />
              <button className="link small" onClick={() => onChange(cols.reduce((p, c) => toggleColumn(p, c, !allOn), prefs))}>{allOn ? 'hide all' : 'show all'}</button>
            </div>
            {cols.map((c) => (
              <label key={c.id} className="item check">
                <input type="checkbox" checked={visible.has(c.id)} onChange={(e) => onChange(toggleColumn(prefs, c, e.target.checked))} />
                <span className="ellipsis">{c.label}</span>
              </label>
            ))}
          </div>
        );
      })}
    </div>
  );
}

function downloadCsv(runs: Run[], columns: ColumnDef[], name: string) {
  const head = ['Run ID', 'Name', 'Status', 'Start Time', 'End Time', ...columns.map((c) => (c.group === 'Attributes' ? c.label : `${c.group}: ${c.label}`))];
  const lines = [head.map(csvEscape).join(',')];
  for (const r of runs) {
    lines.push([r.info.run_id, runName(r), r.info.status, String(r.info.start_time ?? ''), String(r.info.end_time ?? ''), ...columns.map((c) => cellText(r, c))].map(csvEscape).join(','));
  }
  const blob = new Blob([lines.join('\n') + '\n'], { type: 'text/csv' });
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = `${name.replace(/[^\w.-]+/g, '_')}-runs.csv`;
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}

export function ExperimentPage({ experimentId, experimentIds, tab }: { experimentId?: string; experimentIds?: string[]; tab: 'runs' | 'models' }) {
  const ids = useMemo(() => experimentIds ?? [experimentId!], [experimentId, experimentIds]);
  const route = useRoute();
  const q = route.query;
  const exps = useAsync(() => Promise.all(ids.map((id) => api.getExperiment(id).then((r) => r.experiment))), [ids.join(',')]);
  if (exps.error) {
    const notFound = exps.error instanceof ApiError && (exps.error.code === 'RESOURCE_DOES_NOT_EXIST' || exps.error.status === 404);
    return (
      <div className="page">
        {notFound ? (
          <Empty title="Experiment not found"><p>{(exps.error as Error).message}</p><a href="#/experiments">Back to the experiments</a></Empty>
        ) : <ErrorBox error={exps.error} onRetry={exps.reload} />}
      </div>
    );
  }
  if (!exps.data) return <Loading what="experiment" />;
  const single = exps.data.length === 1 ? exps.data[0] : undefined;
  return (
    <div className="page fill">
      <div className="breadcrumbs"><a href="#/experiments">Experiments</a></div>
      <div className="page-header">
        <h1>{single ? single.name : `Comparing ${exps.data.length} experiments`}</h1>
        {single && <span className="muted small">ID {single.experiment_id}</span>}
      </div>
      {single && <ExperimentDescription exp={single} onSaved={exps.reload} />}
      {single && (
        <Tabs active={tab} tabs={[
          { key: 'runs', label: 'Runs', href: href(['experiments', single.experiment_id, 'runs']) },
          { key: 'models', label: 'Models', href: href(['experiments', single.experiment_id, 'models']) },
        ]} />
      )}
      {tab === 'models' && single ? <LoggedModelsTable experimentId={single.experiment_id} /> : <RunsView key={ids.join(',')} experiments={exps.data} query={q} />}
    </div>
  );
}

function ExperimentDescription({ exp, onSaved }: { exp: Experiment; onSaved: () => void }) {
  const [open, setOpen] = useState(false);
  const note = tagValue(exp.tags, 'mlflow.note.content') ?? '';
  if (!open && !note) {
    return <div style={{ marginBottom: 8 }}><button className="link small" onClick={() => setOpen(true)}>Add description</button></div>;
  }
  return (
    <div style={{ marginBottom: 12, maxWidth: 900 }}>
      <DescriptionEditor value={note} onSave={async (v) => { await api.setExperimentTag(exp.experiment_id, 'mlflow.note.content', v); onSaved(); }} />
    </div>
  );
}

interface RunPrefs { pinned: string[]; mode: VisibilityMode; visible: Record<string, boolean> }

function RunsView({ experiments, query }: { experiments: Experiment[]; query: URLSearchParams }) {
  const ids = useMemo(() => experiments.map((e) => e.experiment_id), [experiments]);
  const searchFilter = query.get('searchFilter') ?? '';
  const orderByKey = query.get('orderByKey') ?? 'attributes.start_time';
  const orderByAsc = query.get('orderByAsc') === 'true';
  const startTime = query.get('startTime') ?? 'ALL';
  const lifecycle = query.get('lifecycleFilter') === 'Deleted' ? 'Deleted' : 'Active';
  const modeArg = query.get('compareRunsMode');
  const mode = modeArg === 'CHART' || modeArg === 'ARTIFACT' ? modeArg : 'TABLE';
  const [now] = useState(() => Date.now());
  const filter = effectiveFilter(searchFilter, startTime, now);
  const orderBy = useMemo(() => {
    const o = [orderByClause(orderByKey, orderByAsc)];
    if (orderByKey !== 'attributes.start_time') o.push('attributes.start_time DESC');
    return o;
  }, [orderByKey, orderByAsc]);
  const runs = useRuns(ids, filter, orderBy, lifecycle === 'Deleted' ? 'DELETED_ONLY' : 'ACTIVE_ONLY');
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [expanded, setExpanded] = useState<Set<string>>(new Set());
  const [picker, setPicker] = useState(false);
  const [confirm, setConfirm] = useState<null | 'delete' | 'restore'>(null);
  const [autoRefresh, setAutoRefresh] = useState(true);
  const prefsKey = `mlflow-cpp.columns.${ids.join(',')}`;
  const runPrefsKey = `mlflow-cpp.runs.${ids.join(',')}`;
  // Pinned runs, and which runs the charts show: a mode and per-run choices (run id -> shown).
  const [runPrefs, setRunPrefs] = useState<RunPrefs>(() => {
    try {
      const v = JSON.parse(localStorage.getItem(runPrefsKey) ?? '');
      if (Array.isArray(v.pinned)) {
        const visible: Record<string, boolean> = v.visible && typeof v.visible === 'object' ? v.visible : {};
        // Stored by an earlier version: a list of runs hidden with the eye button.
        if (Array.isArray(v.hidden)) for (const id of v.hidden) if (typeof id === 'string') visible[id] = false;
        return { pinned: v.pinned, mode: isVisibilityMode(v.mode) ? v.mode : DEFAULT_MODE, visible };
      }
    } catch {
      /* none stored */
    }
    return { pinned: [], mode: DEFAULT_MODE, visible: {} };
  });
  useEffect(() => {
    try {
      localStorage.setItem(runPrefsKey, JSON.stringify(runPrefs));
    } catch {
      /* storage unavailable: kept for this page only */
    }
  }, [runPrefsKey, runPrefs]);
  const pinned = useMemo(() => new Set(runPrefs.pinned), [runPrefs.pinned]);
  const flip = (list: string[], id: string) => (list.includes(id) ? list.filter((x) => x !== id) : [...list, id]);
  const setMode = useCallback((mode: VisibilityMode) => setRunPrefs((p) => ({ ...p, mode, visible: {} })), []);
  const togglePin = useCallback((id: string) => setRunPrefs((p) => ({ ...p, pinned: flip(p.pinned, id) })), []);
  const [prefs, setPrefs] = useState<ColumnPrefs>(() => loadPrefs(prefsKey));
  useEffect(() => savePrefs(prefsKey, prefs), [prefsKey, prefs]);
  useEffect(() => setSelected(new Set()), [filter, lifecycle]);

  const keys = useMemo(() => collectKeys(runs.runs), [runs.runs]);
  const columns = useMemo(() => allColumns(keys), [keys]);
  const shownColumns = useMemo(() => {
    const v = visibleColumns(columns, prefs);
    // The sorted column stays visible even if it was hidden.
    const sortCol = columns.find((c) => c.sortKey === orderByKey);
    if (sortCol && !v.includes(sortCol) && parseEntityKey(orderByKey)?.kind !== 'attributes') v.push(sortCol);
    return v;
  }, [columns, prefs, orderByKey]);
  const nest = !searchFilter && orderByKey === 'attributes.start_time';
  const groupBy = parseGroupBy(query.get('groupBy'));
  const groupKey = groupBy ? groupByString(groupBy) : '';
  const aggregate: Aggregate = (['min', 'max'] as const).find((a) => a === query.get('groupAgg')) ?? 'avg';
  const [collapsed, setCollapsed] = useState<Set<string>>(new Set());
  const groups = useMemo(() => (groupBy ? groupRuns(runs.runs, groupBy) : null), [runs.runs, groupKey]); // eslint-disable-line react-hooks/exhaustive-deps
  const rows = useMemo((): TableRow[] => {
    if (groups) {
      // Grouped: a header row per group, then its runs (nested as usual) unless collapsed.
      const title = groupBy!.kind === 'dataset' ? 'Dataset' : `${groupBy!.kind === 'param' ? 'Param' : 'Tag'} ${groupBy!.key}`;
      const out: TableRow[] = [];
      for (const g of groups) {
        const shut = collapsed.has(g.id);
        out.push({ group: g, collapsed: shut, title });
        if (!shut) for (const r of buildRunRows(g.runs, expanded, nest)) out.push(r);
      }
      return out;
    }
    const all = buildRunRows(runs.runs, expanded, nest);
    if (!pinned.size) return all;
    // Pinned runs first (as top-level rows), then the others in the server's order.
    const top = runs.runs.filter((r) => pinned.has(r.info.run_id)).map((run) => ({ run, depth: 0, childCount: 0, expanded: false }));
    return [...top, ...all.filter((r) => !pinned.has(r.run.info.run_id))];
  }, [runs.runs, expanded, nest, pinned, groups, collapsed]); // eslint-disable-line react-hooks/exhaustive-deps
  const runRows = useMemo(() => rows.filter((r) => !isGroupRow(r)).map((r) => (r as { run: Run }).run), [rows]);
  // The runs the charts leave out, from the mode and the per-run choices (a row's index counts
  // among the table's run rows, pinned ones first).
  const hidden = useMemo(() => {
    const h = new Set<string>();
    runRows.forEach((r, i) => {
      if (isRunHidden(runPrefs.mode, runPrefs.visible, r.info.run_id, i, r.info.status)) h.add(r.info.run_id);
    });
    return h;
  }, [runRows, runPrefs.mode, runPrefs.visible]);
  const hiddenRef = useRef(hidden);
  hiddenRef.current = hidden;
  const toggleHidden = useCallback((id: string) => setRunPrefs((p) => ({ ...p, visible: { ...p.visible, [id]: hiddenRef.current.has(id) } })), []);
  const groupChoices = useMemo(() => groupOptions(keys, runs.runs.some((r) => (r.inputs?.dataset_inputs ?? []).length > 0)), [keys, runs.runs]);
  const toggleGroup = useCallback((id: string) => setCollapsed((s) => {
    const n = new Set(s);
    if (n.has(id)) n.delete(id);
    else n.add(id);
    return n;
  }), []);
  const selectGroup = useCallback((g: RunGroup, on: boolean) => setSelected((s) => {
    const n = new Set(s);
    for (const r of g.runs) {
      if (on) n.add(r.info.run_id);
      else n.delete(r.info.run_id);
    }
    return n;
  }), []);
  const anyRunning = useMemo(() => runs.runs.some((r) => r.info.status === 'RUNNING'), [runs.runs]);

  useEffect(() => {
    if (!autoRefresh || !anyRunning) return;
    const t = setInterval(runs.refresh, REFRESH_MS / 3);
    return () => clearInterval(t);
  }, [autoRefresh, anyRunning, runs.refresh]);
  useEffect(() => {
    if (!autoRefresh) return;
    const t = setInterval(runs.refresh, REFRESH_MS);
    return () => clearInterval(t);
  }, [autoRefresh, runs.refresh]);

  const onSort = useCallback((key: string) => {
    if (key === orderByKey) setQuery({ orderByAsc: orderByAsc ? 'false' : 'true' });
    else setQuery({ orderByKey: key, orderByAsc: 'false' });
  }, [orderByKey, orderByAsc]);
  const toggleSelect = useCallback((id: string) => setSelected((s) => {
    const n = new Set(s);
    if (n.has(id)) n.delete(id);
    else n.add(id);
    return n;
  }), []);
  const toggleAll = useCallback((on: boolean) => setSelected(on ? new Set(runRows.map((r) => r.info.run_id)) : new Set()), [runRows]);
  const toggleExpand = useCallback((id: string) => setExpanded((s) => {
    const n = new Set(s);
    if (n.has(id)) n.delete(id);
    else n.add(id);
    return n;
  }), []);
  const nearEnd = useCallback(() => { if (runs.next && !runs.loadingMore) runs.loadMore(false); }, [runs]);

  const filterError = runs.error instanceof ApiError && runs.error.status >= 400 && runs.error.status < 500 && runs.error.code !== 'NETWORK_ERROR'
    ? runs.error.message : undefined;
  const chartRuns = useMemo(() => {
    // Selected runs are charted whatever the mode, unless their eye button hides them.
    if (selected.size) return runs.runs.filter((r) => selected.has(r.info.run_id) && runPrefs.visible[r.info.run_id] !== false);
    return runRows.filter((r) => !hidden.has(r.info.run_id));
  }, [selected, runs.runs, runRows, hidden, runPrefs.visible]);
  const selectedIds = Array.from(selected);

  return (
    <>
      <div className="runs-toolbar">
        <FilterBox value={searchFilter} error={filterError} keys={keys} onSubmit={(v) => setQuery({ searchFilter: v })} />
        <select value={startTime} aria-label="Created time" onChange={(e) => setQuery({ startTime: e.target.value === 'ALL' ? undefined : e.target.value })}>
          {Object.entries(TIME_RANGES).map(([k, v]) => <option key={k} value={k}>{k === 'ALL' ? 'Time created: all' : v.label}</option>)}
        </select>
        <select value={lifecycle} aria-label="State" onChange={(e) => setQuery({ lifecycleFilter: e.target.value === 'Active' ? undefined : e.target.value })}>
          <option value="Active">Active</option>
          <option value="Deleted">Deleted</option>
        </select>
        <div style={{ position: 'relative' }}>
          <button onClick={() => setPicker((p) => !p)} aria-haspopup="dialog" aria-expanded={picker}>
            Columns <span className="muted">({shownColumns.length}/{columns.length})</span>
          </button>
          {picker && <ColumnPicker columns={columns} prefs={prefs} onChange={setPrefs} onClose={() => setPicker(false)} />}
        </div>
        <select value={groupKey} aria-label="Group by" onChange={(e) => { setCollapsed(new Set()); setQuery({ groupBy: e.target.value || undefined }); }}>
          <option value="">No grouping</option>
          {groupBy && !groupChoices.some((g) => groupByString(g) === groupKey) && <option value={groupKey}>Group by {groupKey}</option>}
          {groupChoices.map((g) => {
            const v = groupByString(g);
            return <option key={v} value={v}>Group by {g.kind === 'dataset' ? 'dataset' : `${g.kind} ${g.key}`}</option>;
          })}
        </select>
        {groupBy && (
          <select value={aggregate} aria-label="Aggregate" onChange={(e) => setQuery({ groupAgg: e.target.value === 'avg' ? undefined : e.target.value })}>
            <option value="min">Min</option>
            <option value="avg">Average</option>
            <option value="max">Max</option>
          </select>
        )}
        <select value={runPrefs.mode} aria-label="Runs in charts" title="Which runs of the table the charts show (the eye of a row overrides it)"
          onChange={(e) => setMode(e.target.value as VisibilityMode)}>
          {VISIBILITY_MODES.map((m) => <option key={m.mode} value={m.mode}>{m.label}</option>)}
        </select>
        <div className="spacer" />
        <span className="segmented" role="group" aria-label="View">
          <button className={mode === 'TABLE' ? 'on' : ''} onClick={() => setQuery({ compareRunsMode: undefined })}>Table</button>
          <button className={mode === 'CHART' ? 'on' : ''} onClick={() => setQuery({ compareRunsMode: 'CHART' })}>Chart</button>
          <button className={mode === 'ARTIFACT' ? 'on' : ''} onClick={() => setQuery({ compareRunsMode: 'ARTIFACT' })}>Artifacts</button>
        </span>
      </div>
      {selectedIds.length > 0 && (
        <div className="row" style={{ marginBottom: 8 }}>
          <span className="badge blue">{selectedIds.length} selected</span>
          <button className="small" disabled={selectedIds.length < 2}
            onClick={() => navigate(href(['compare-runs'], { runs: JSON.stringify(selectedIds), experiments: JSON.stringify(ids) }))}>Compare</button>
          {lifecycle === 'Active'
            ? <button className="small danger" onClick={() => setConfirm('delete')}>Delete</button>
            : <button className="small" onClick={() => setConfirm('restore')}>Restore</button>}
          <button className="link small" onClick={() => setSelected(new Set())}>Clear selection</button>
        </div>
      )}
      {runs.error !== undefined && !filterError && <ErrorBox error={runs.error} onRetry={runs.reload} />}
      {mode === 'ARTIFACT' ? (
        <ArtifactCompare runs={chartRuns} path={query.get('artifactPath') ?? ''} />
      ) : mode === 'CHART' ? (
        <div style={{ flex: 1, minHeight: 0, overflow: 'auto' }}>
          <ChartsView runs={chartRuns} title={selected.size ? `${selected.size} selected runs` : undefined} layoutKey={`mlflow-cpp.charts.${ids.join(',')}`} />
          {!selected.size && (
            <div className="row muted small" style={{ marginTop: 8 }} data-testid="charted-count">
              Charting {chartRuns.length} of the {runRows.length} loaded runs ({VISIBILITY_MODES.find((m) => m.mode === runPrefs.mode)?.label.toLowerCase()}
              {Object.keys(runPrefs.visible).length ? ', with runs shown or hidden by the eye in the table' : ''}); select runs to chart only those.
            </div>
          )}
        </div>
      ) : runs.loading && !runs.runs.length ? (
        <Loading what="runs" />
      ) : !runs.error && rows.length === 0 ? (
        <Empty title={filter ? 'No runs match' : lifecycle === 'Deleted' ? 'No deleted runs' : 'No runs yet'}>
          <p>{filter ? 'Change the search, the time range or the state filter.' : 'Runs logged with mlflow.start_run() appear here.'}</p>
        </Empty>
      ) : rows.length > 0 ? (
        <RunsTable rows={rows} aggregate={aggregate} onToggleGroup={toggleGroup} onSelectGroup={selectGroup} columns={shownColumns} hidden={hidden} pinned={pinned} onToggleHidden={toggleHidden} onTogglePin={togglePin} selected={selected} onToggleSelect={toggleSelect} onToggleAll={toggleAll}
          onToggleExpand={toggleExpand} orderByKey={orderByKey} orderByAsc={orderByAsc} onSort={onSort} onNearEnd={nearEnd} />
      ) : null}
      {mode === 'TABLE' && rows.length > 0 && (
        <div className="runs-footer small">
          <span data-testid="runs-count">{runs.runs.length} run{runs.runs.length === 1 ? '' : 's'} loaded{runs.next ? ', more available' : ''}</span>
          {runs.loading && <Spinner />}
          {runs.next && <button className="small" disabled={runs.loadingMore} onClick={() => runs.loadMore(false)}>Load more</button>}
          {runs.next && <button className="small" disabled={runs.loadingMore} onClick={() => runs.loadMore(true)}>Load all</button>}
          {runs.loadingMore && <Spinner />}
          <div className="spacer" />
          <label className="check"><input type="checkbox" checked={autoRefresh} onChange={(e) => setAutoRefresh(e.target.checked)} /> Auto-refresh</label>
          <button className="small" onClick={() => downloadCsv(runs.runs, shownColumns, experiments.map((e) => e.name).join('_'))}>Download CSV</button>
        </div>
      )}
      {confirm && (
        <ConfirmModal title={confirm === 'delete' ? 'Delete runs' : 'Restore runs'} confirmLabel={confirm === 'delete' ? 'Delete' : 'Restore'}
          message={`${confirm === 'delete' ? 'Delete' : 'Restore'} ${selectedIds.length} run${selectedIds.length === 1 ? '' : 's'}?`}
          onClose={() => setConfirm(null)}
          onConfirm={async () => {
            for (const id of selectedIds) await (confirm === 'delete' ? api.deleteRun(id) : api.restoreRun(id));
            setSelected(new Set());
            runs.reload();
          }} />
      )}
    </>
  );
}
