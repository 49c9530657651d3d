import { useMemo, useState } from 'react';
import { api, Experiment, tagValue } from '../lib/api';
import { formatTime } from '../lib/format';
import { href, navigate, setQuery, useRoute } from '../lib/router';
import { useAsync } from '../lib/useAsync';
import { ConfirmModal, Empty, ErrorBox, FormModal, Loading, TagChip } from '../components/common';

// Plain words search names; anything that looks like a filter (tags.x = 'y', name LIKE ...) is sent as one.
export function experimentFilter(text: string): string {
  const t = text.trim();
  if (!t) return '';
  if (/(=|!=|\blike\b|\bilike\b|^tags\.|^name\b)/i.test(t)) return t;
  return `name ILIKE '%${t.replace(/'/g, "\\'")}%'`;
}

export function ExperimentListPage() {
  const route = useRoute();
  const search = route.query.get('search') ?? '';
  const [draft, setDraft] = useState(search);
  const [checked, setChecked] = useState<Set<string>>(new Set());
  const [modal, setModal] = useState<null | { kind: 'create' } | { kind: 'rename'; exp: Experiment } | { kind: 'delete'; ids: string[] }>(null);
  const state = useAsync(async () => {
    const out: Experiment[] = [];
    let token: string | undefined;
    for (let i = 0; i < 20; i++) {
      const r = await api.searchExperiments({ filter: experimentFilter(search) || undefined, page_token: token, order_by: ['last_update_time DESC'] });
      out.push(...(r.experiments ?? []));
      token = r.next_page_token;
      if (!token) break;
    }
    return out;
  }, [search]);
  const exps = state.data ?? [];
  const byId = useMemo(() => new Map(exps.map((e) => [e.experiment_id, e])), [exps]);
  const toggle = (id: string) => {
    const n = new Set(checked);
    if (n.has(id)) n.delete(id);
    else n.add(id);
    setChecked(n);
  };
  const selected = Array.from(checked).filter((id) => byId.has(id));
  return (
    <div className="page">
      <div className="page-header">
        <h1>Experiments</h1>
        <div className="spacer" />
        <button className="primary" onClick={() => setModal({ kind: 'create' })}>Create experiment</button>
      </div>
      <div className="row wrap" style={{ marginBottom: 12 }}>
        <form onSubmit={(e) => { e.preventDefault(); setQuery({ search: draft }); }} className="row grow" style={{ maxWidth: 560 }}>
          <input type="search" className="grow" placeholder="Filter experiments by name or tags.key = 'value'" value={draft}
            aria-label="Filter experiments" onChange={(e) => setDraft(e.target.value)} />
          <button type="submit">Search</button>
        </form>
        <button disabled={selected.length < 1} onClick={() => navigate(href(['compare-experiments', 's'], { experiments: JSON.stringify(selected) }))}>
          Compare runs ({selected.length})
        </button>
        <button className="danger" disabled={selected.length < 1} onClick={() => setModal({ kind: 'delete', ids: selected })}>
          Delete
        </button>
      </div>
      {state.error && <ErrorBox error={state.error} onRetry={state.reload} />}
      {state.loading && !state.data ? <Loading what="experiments" /> : null}
      {state.data && exps.length === 0 && !state.error && (
        <Empty title={search ? 'No experiment matches' : 'No experiments yet'}>
          <p>{search ? `Nothing matches "${search}".` : 'Create one here, or log a run with the MLflow client.'}</p>
        </Empty>
      )}
      {exps.length > 0 && (
        <table className="grid" aria-label="Experiments">
          <thead>
            <tr>
              <th style={{ width: 32 }}>
                <input type="checkbox" aria-label="Select all" checked={selected.length === exps.length && exps.length > 0}
                  onChange={(e) => setChecked(e.target.checked ? new Set(exps.map((x) => x.experiment_id)) : new Set())} />
              </th>
              <th>Name</th>
              <th style={{ width: 170 }}>Time created</th>
              <th style={{ width: 170 }}>Last modified</th>
              <th>Description</th>
              <th>Tags</th>
              <th style={{ width: 120 }} />
            </tr>
          </thead>
          <tbody>
            {exps.map((e) => {
              const tags = (e.tags ?? []).filter((t) => !t.key.startsWith('mlflow.'));
              return (
                <tr key={e.experiment_id}>
                  <td><input type="checkbox" aria-label={`Select ${e.name}`} checked={checked.has(e.experiment_id)} onChange={() => toggle(e.experiment_id)} /></td>
                  <td><a href={href(['experiments', e.experiment_id])}>{e.name}</a></td>
                  <td className="muted">{formatTime(e.creation_time)}</td>
                  <td className="muted">{formatTime(e.last_update_time)}</td>
                  <td className="ellipsis" style={{ maxWidth: 320 }}>{tagValue(e.tags, 'mlflow.note.content') ?? ''}</td>
                  <td><div className="row wrap">{tags.slice(0, 4).map((t) => <TagChip key={t.key} k={t.key} v={t.value} />)}{tags.length > 4 && <span className="muted">+{tags.length - 4}</span>}</div></td>
                  <td>
                    <span className="row">
                      <button className="link small" onClick={() => setModal({ kind: 'rename', exp: e })}>Rename</button>
                      <button className="link small danger" onClick={() => setModal({ kind: 'delete', ids: [e.experiment_id] })}>Delete</button>
                    </span>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {modal?.kind === 'create' && (
        <FormModal title="Create experiment" submitLabel="Create" onClose={() => setModal(null)}
          fields={[{ name: 'name', label: 'Experiment name', required: true }, { name: 'artifact_location', label: 'Artifact location (optional)', placeholder: 'default' }]}
          onSubmit={async (v) => {
            const r = await api.createExperiment(v.name.trim(), v.artifact_location.trim());
            navigate(href(['experiments', r.experiment_id]));
          }} />
      )}
      {modal?.kind === 'rename' && (
        <FormModal title="Rename experiment" submitLabel="Save" onClose={() => setModal(null)}
          fields={[{ name: 'name', label: 'New name', initial: modal.exp.name, required: true }]}
          onSubmit={async (v) => {
            await api.renameExperiment(modal.exp.experiment_id, v.name.trim());
            state.reload();
          }} />
      )}
      {modal?.kind === 'delete' && (
        <ConfirmModal title={modal.ids.length > 1 ? `Delete ${modal.ids.length} experiments` : 'Delete experiment'} confirmLabel="Delete"
          message={<>Delete {modal.ids.map((id) => byId.get(id)?.name ?? id).join(', ')}? Their runs are deleted with them (they can be restored with the client).</>}
          onClose={() => setModal(null)}
          onConfirm={async () => {
            for (const id of modal.ids) await api.deleteExperiment(id);
            setChecked(new Set());
            state.reload();
          }} />
      )}
    </div>
  );
}
