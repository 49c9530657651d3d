import { useState } from 'react';
import { api, RegisteredModel } from '../lib/api';
import { formatTime } from '../lib/format';
import { href, navigate, setQuery, useRoute } from '../lib/router';
import { useAsync } from '../lib/useAsync';
import { Empty, ErrorBox, FormModal, Loading, TagChip } from '../components/common';

export function modelFilter(text: string): string {
  const t = text.trim();
  if (!t) return '';
  if (/(=|!=|\blike\b|\bilike\b|^tags\.|^name\b)/i.test(t)) return t;
  return `name ILIKE '%${t.replace(/'/g, "\\'")}%'`;
}

export function ModelListPage() {
  const route = useRoute();
  const search = route.query.get('search') ?? '';
  const [draft, setDraft] = useState(search);
  const [create, setCreate] = useState(false);
  const state = useAsync(async () => {
    const out: RegisteredModel[] = [];
    let token: string | undefined;
    for (let i = 0; i < 50; i++) {
      const r = await api.searchModels({ filter: modelFilter(search) || undefined, page_token: token, max_results: 1000, order_by: ['name ASC'] });
      out.push(...(r.registered_models ?? []));
      token = r.next_page_token;
      if (!token) break;
    }
    return out;
  }, [search]);
  const models = state.data ?? [];
  return (
    <div className="page">
      <div className="page-header">
        <h1>Registered models</h1>
        <div className="spacer" />
        <button className="primary" onClick={() => setCreate(true)}>Create model</button>
      </div>
      <form className="row" style={{ marginBottom: 12, maxWidth: 560 }} onSubmit={(e) => { e.preventDefault(); setQuery({ search: draft }); }}>
        <input type="search" className="grow" placeholder="Filter by name, or tags.key = 'value'" value={draft} onChange={(e) => setDraft(e.target.value)} aria-label="Filter models" />
        <button type="submit">Search</button>
      </form>
      {state.error && <ErrorBox error={state.error} onRetry={state.reload} />}
      {state.loading && !state.data && <Loading what="models" />}
      {state.data && !models.length && !state.error && (
        <Empty title={search ? 'No model matches' : 'No registered models yet'}>
          <p>Register a model from a run's artifacts, or with mlflow.register_model().</p>
        </Empty>
      )}
      {models.length > 0 && (
        <table className="grid" aria-label="Registered models">
          <thead>
            <tr><th>Name</th><th>Latest version</th><th>Aliased versions</th><th>Created by</th><th>Last modified</th><th>Tags</th></tr>
          </thead>
          <tbody>
            {models.map((m) => {
              const latest = (m.latest_versions ?? []).reduce<string | undefined>((a, v) => (!a || Number(v.version) > Number(a) ? v.version : a), undefined);
              const tags = (m.tags ?? []).filter((t) => !t.key.startsWith('mlflow.'));
              return (
                <tr key={m.name}>
                  <td><a href={href(['models', m.name])}>{m.name}</a></td>
                  <td>{latest ? <a href={href(['models', m.name, 'versions', latest])}>Version {latest}</a> : <span className="muted">-</span>}</td>
                  <td><div className="row wrap">{(m.aliases ?? []).map((a) => <a key={a.alias} className="badge blue" href={href(['models', m.name, 'versions', a.version])}>@{a.alias}: v{a.version}</a>)}</div></td>
                  <td className="muted">{m.user_id || '-'}</td>
                  <td className="muted">{formatTime(m.last_updated_timestamp)}</td>
                  <td><div className="row wrap">{tags.slice(0, 3).map((t) => <TagChip key={t.key} k={t.key} v={t.value} />)}{tags.length > 3 && <span className="muted">+{tags.length - 3}</span>}</div></td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {create && (
        <FormModal title="Create model" submitLabel="Create" onClose={() => setCreate(false)}
          fields={[{ name: 'name', label: 'Model name', required: true }]}
          onSubmit={async (v) => { await api.createModel(v.name.trim()); navigate(href(['models', v.name.trim()])); }} />
      )}
    </div>
  );
}
