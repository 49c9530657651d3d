import { useState } from 'react';
import { api, ApiError, ModelVersion } from '../lib/api';
import { formatTime } from '../lib/format';
import { href, navigate } from '../lib/router';
import { useAsync } from '../lib/useAsync';
import { Breadcrumbs, ConfirmModal, DescriptionEditor, Empty, ErrorBox, Loading, StatusBadge, TagsEditor } from '../components/common';

const STAGE_BADGE: Record<string, string> = { Production: 'green', Staging: 'orange', Archived: '', None: '' };

export function StageBadge({ stage }: { stage?: string }) {
  if (!stage || stage === 'None') return <span className="muted">None</span>;
  return <span className={`badge ${STAGE_BADGE[stage] ?? ''}`}>{stage}</span>;
}

export function ModelPage({ name }: { name: string }) {
  const model = useAsync(() => api.getModel(name).then((r) => r.registered_model), [name]);
  const versions = useAsync(async () => {
    const out: ModelVersion[] = [];
    const r = await api.searchVersions(`name = '${name.replace(/'/g, "\\'")}'`, 10000);
    out.push(...(r.model_versions ?? []));
    return out.sort((a, b) => Number(b.version) - Number(a.version));
  }, [name]);
  const [confirm, setConfirm] = useState(false);
  const [onlyAliased, setOnlyAliased] = useState(false);
  if (model.error) {
    const nf = model.error instanceof ApiError && model.error.code === 'RESOURCE_DOES_NOT_EXIST';
    return <div className="page">{nf ? <Empty title="Model not found"><p>{(model.error as Error).message}</p><a href="#/models">Back to the models</a></Empty> : <ErrorBox error={model.error} />}</div>;
  }
  if (!model.data) return <Loading what="model" />;
  const m = model.data;
  const aliasesOf = (v: string) => (m.aliases ?? []).filter((a) => a.version === v).map((a) => a.alias);
  const shown = (versions.data ?? []).filter((v) => !onlyAliased || aliasesOf(v.version).length);
  return (
    <div className="page">
      <Breadcrumbs items={[{ label: 'Registered models', href: '#/models' }]} />
      <div className="page-header">
        <h1>{m.name}</h1>
        <div className="spacer" />
        <button className="danger" onClick={() => setConfirm(true)}>Delete model</button>
      </div>
      <div className="kv" style={{ marginBottom: 16, maxWidth: 700 }}>
        <div>Created</div><div>{formatTime(m.creation_timestamp)}</div>
        <div>Last modified</div><div>{formatTime(m.last_updated_timestamp)}</div>
        {m.user_id && <><div>Created by</div><div>{m.user_id}</div></>}
      </div>
      <div className="section" style={{ maxWidth: 900 }}>
        <h2>Description</h2>
        <DescriptionEditor value={m.description ?? ''} onSave={async (d) => { await api.updateModel(name, d); model.reload(); }} />
      </div>
      <div className="section" style={{ maxWidth: 900 }}>
        <h2>Tags</h2>
        <TagsEditor tags={m.tags ?? []} onSet={async (k, v) => { await api.setModelTag(name, k, v); model.reload(); }}
          onDelete={async (k) => { await api.deleteModelTag(name, k); model.reload(); }} />
      </div>
      <div className="section">
        <div className="section-title">
          <h2 style={{ margin: 0 }}>Versions <span className="muted small">({versions.data?.length ?? 0})</span></h2>
          <label className="check small muted"><input type="checkbox" checked={onlyAliased} onChange={(e) => setOnlyAliased(e.target.checked)} /> Only versions with aliases</label>
        </div>
        {versions.error && <ErrorBox error={versions.error} />}
        {!versions.data && !versions.error && <Loading what="versions" />}
        {versions.data && (
          <table className="grid" data-testid="versions-table">
            <thead><tr><th>Version</th><th>Registered at</th><th>Created by</th><th>Aliases</th><th>Stage</th><th>Status</th><th>Description</th><th>Source run</th></tr></thead>
            <tbody>
              {shown.map((v) => (
                <tr key={v.version}>
                  <td><a href={href(['models', name, 'versions', v.version])}>Version {v.version}</a></td>
                  <td className="muted">{formatTime(v.creation_timestamp)}</td>
                  <td className="muted">{v.user_id || '-'}</td>
                  <td><div className="row wrap">{aliasesOf(v.version).map((a) => <span key={a} className="badge blue">@{a}</span>)}</div></td>
                  <td><StageBadge stage={v.current_stage} /></td>
                  <td><StatusBadge status={v.status} /></td>
                  <td className="ellipsis" style={{ maxWidth: 260 }}>{v.description}</td>
                  <td>{v.run_id ? <a href={href(['runs', v.run_id])} className="mono small">{v.run_id.slice(0, 8)}</a> : <span className="muted">-</span>}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
      {confirm && (
        <ConfirmModal title="Delete model" confirmLabel="Delete" onClose={() => setConfirm(false)}
          message={`Delete the registered model ${name} and all its versions?`}
          onConfirm={async () => { await api.deleteModel(name); navigate('#/models'); }} />
      )}
    </div>
  );
}
