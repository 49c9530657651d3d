import { useState } from 'react';
import { api, ApiError, artifactUrl } from '../lib/api';
import { formatTime } from '../lib/format';
import { parseMlModel } from '../lib/mlmodel';
import { SchemaTable } from '../components/SchemaTable';
import { href, navigate } from '../lib/router';
import { useAsync } from '../lib/useAsync';
import { Breadcrumbs, ConfirmModal, DescriptionEditor, Empty, ErrorBox, Loading, StatusBadge, TagsEditor } from '../components/common';
import { StageBadge } from './ModelPage';

const STAGES = ['None', 'Staging', 'Production', 'Archived'];

export function ModelVersionPage({ name, version }: { name: string; version: string }) {
  const mv = useAsync(() => api.getVersion(name, version).then((r) => r.model_version), [name, version]);
  const model = useAsync(() => api.getModel(name).then((r) => r.registered_model), [name]);
  // The signature comes from the version's MLmodel; look for the file first so a version without
  // one (or whose source is not in its run) costs no failed request.
  const mlmodel = useAsync(async () => {
    const v = mv.data;
    if (!v?.run_id || !v.source) return undefined;
    const run = (await api.getRun(v.run_id)).run;
    const root = run.info.artifact_uri ?? '';
    if (!root || (v.source !== root && !v.source.startsWith(root + '/'))) return undefined;
    const rel = v.source.slice(root.length).replace(/^\/+/, '');
    const files = (await api.listArtifacts(v.run_id, rel || undefined)).files ?? [];
    const mlmodelPath = rel ? `${rel}/MLmodel` : 'MLmodel';
    if (!files.some((f) => f.path === mlmodelPath)) return undefined;
    const res = await fetch(artifactUrl(v.run_id, mlmodelPath));
    return res.ok ? parseMlModel(await res.text()) : undefined;
  }, [mv.data?.run_id, mv.data?.source]);
  const [alias, setAlias] = useState('');
  const [aliasError, setAliasError] = useState<unknown>();
  const [stageError, setStageError] = useState<unknown>();
  const [archive, setArchive] = useState(false);
  const [confirm, setConfirm] = useState(false);
  if (mv.error) {
    const nf = mv.error instanceof ApiError && mv.error.code === 'RESOURCE_DOES_NOT_EXIST';
    return <div className="page">{nf ? <Empty title="Model version not found"><p>{(mv.error as Error).message}</p><a href={href(['models', name])}>Back to {name}</a></Empty> : <ErrorBox error={mv.error} />}</div>;
  }
  if (!mv.data) return <Loading what="model version" />;
  const v = mv.data;
  const aliases = (model.data?.aliases ?? []).filter((a) => a.version === version).map((a) => a.alias);
  const otherAliases = (model.data?.aliases ?? []).filter((a) => a.version !== version);
  const reload = () => { mv.reload(); model.reload(); };
  const addAlias = async (a: string) => {
    setAliasError(undefined);
    try {
      await api.setAlias(name, a, version);
      setAlias('');
      reload();
    } catch (e) {
      setAliasError(e);
    }
  };
  return (
    <div className="page">
      <Breadcrumbs items={[{ label: 'Registered models', href: '#/models' }, { label: name, href: href(['models', name]) }]} />
      <div className="page-header">
        <h1>{name} <span className="muted">version {version}</span></h1>
        <StatusBadge status={v.status} />
        <div className="spacer" />
        <button className="danger" onClick={() => setConfirm(true)}>Delete version</button>
      </div>
      <div className="split">
        <div className="section">
          <h2>Details</h2>
          <div className="kv" data-testid="version-details">
            <div>Registered at</div><div>{formatTime(v.creation_timestamp)}</div>
            <div>Last modified</div><div>{formatTime(v.last_updated_timestamp)}</div>
            {v.user_id && <><div>Creator</div><div>{v.user_id}</div></>}
            <div>Source run</div><div>{v.run_id ? <a href={href(['runs', v.run_id])} data-testid="source-run-link">{v.run_id}</a> : '-'}</div>
            <div>Source</div><div className="mono ellipsis" title={v.source}>{v.source}</div>
            {v.model_id && <><div>Logged model</div><div className="mono">{v.model_id}</div></>}
            <div>Stage</div>
            <div className="row wrap">
              <StageBadge stage={v.current_stage} />
              <select aria-label="Transition stage" value={v.current_stage ?? 'None'} onChange={async (e) => {
                setStageError(undefined);
                try {
                  await api.transitionStage(name, version, e.target.value, archive);
                  reload();
                } catch (err) {
                  setStageError(err);
                }
              }}>
                {STAGES.map((s) => <option key={s} value={s}>{s === v.current_stage ? s : `Transition to ${s}`}</option>)}
              </select>
              <label className="check small muted"><input type="checkbox" checked={archive} onChange={(e) => setArchive(e.target.checked)} /> archive other versions in that stage</label>
            </div>
          </div>
          {stageError !== undefined && <ErrorBox error={stageError} />}
        </div>
        <div className="section">
          <h2>Aliases</h2>
          <div className="row wrap" style={{ marginBottom: 8 }} data-testid="version-aliases">
            {aliases.length === 0 && <span className="muted">No aliases</span>}
            {aliases.map((a) => (
              <span key={a} className="badge blue">@{a}
                <button className="link small" aria-label={`Remove alias ${a}`} onClick={async () => { await api.deleteAlias(name, a); reload(); }}>×</button>
              </span>
            ))}
          </div>
          <form className="row" onSubmit={(e) => { e.preventDefault(); if (alias.trim()) addAlias(alias.trim()); }}>
            <input type="text" placeholder="alias, e.g. champion" value={alias} onChange={(e) => setAlias(e.target.value)} aria-label="New alias" list="other-aliases" />
            <datalist id="other-aliases">{otherAliases.map((a) => <option key={a.alias} value={a.alias}>on version {a.version}</option>)}</datalist>
            <button type="submit" disabled={!alias.trim()}>Set alias</button>
          </form>
          {otherAliases.some((a) => a.alias === alias.trim()) && <div className="muted small" style={{ marginTop: 4 }}>Moves @{alias.trim()} from version {otherAliases.find((a) => a.alias === alias.trim())!.version} to this one.</div>}
          {aliasError !== undefined && <ErrorBox error={aliasError} />}
        </div>
      </div>
      <div className="section" style={{ maxWidth: 900 }}>
        <h2>Description</h2>
        <DescriptionEditor value={v.description ?? ''} onSave={async (d) => { await api.updateVersion(name, version, d); mv.reload(); }} />
      </div>
      <div className="section" style={{ maxWidth: 900 }}>
        <h2>Tags</h2>
        <TagsEditor tags={v.tags ?? []} onSet={async (k, val) => { await api.setVersionTag(name, version, k, val); mv.reload(); }}
          onDelete={async (k) => { await api.deleteVersionTag(name, version, k); mv.reload(); }} />
      </div>
      {mlmodel.data && (mlmodel.data.inputs || mlmodel.data.outputs || mlmodel.data.flavors.length > 0) && (
        <div className="section">
          <h2>Schema</h2>
          {mlmodel.data.flavors.length > 0 && <div className="row wrap" style={{ marginBottom: 8 }}><span className="muted">Flavors:</span>{mlmodel.data.flavors.map((f) => <span key={f} className="badge">{f}</span>)}</div>}
          <div className="split">
            <SchemaTable title="Inputs" fields={mlmodel.data.inputs} />
            <SchemaTable title="Outputs" fields={mlmodel.data.outputs} />
          </div>
        </div>
      )}
      {confirm && (
        <ConfirmModal title="Delete version" confirmLabel="Delete" onClose={() => setConfirm(false)}
          message={`Delete version ${version} of ${name}?`}
          onConfirm={async () => { await api.deleteVersion(name, version); navigate(href(['models', name])); }} />
      )}
    </div>
  );
}
