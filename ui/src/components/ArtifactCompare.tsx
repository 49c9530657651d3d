// Compare runs, artifact view (compareRunsMode=ARTIFACT): the artifacts of the shown runs merged
// into one listing, and the chosen file previewed side by side for every run that has it. One
// folder is listed at a time (artifacts/list per run), as in the run page's browser.
import { useEffect, useMemo, useState } from 'react';
import { api, artifactUrl, FileInfo, Run } from '../lib/api';
import { runColor } from '../lib/colors';
import { runName } from '../lib/columns';
import { setQuery } from '../lib/router';
import { ErrorBox, Empty, Spinner } from './common';
import { FilePreview } from './ArtifactBrowser';

export const ARTIFACT_COMPARE_RUNS = 10;

type Listing = Map<string, FileInfo[] | Error>;

function parentOf(path: string): string {
  const i = path.lastIndexOf('/');
  return i > 0 ? path.slice(0, i) : '';
}

// Every run's listing of one folder (run id -> files, or the error for that run).
function useFolder(runs: Run[], dir: string): Listing | undefined {
  const [state, setState] = useState<{ key: string; listing: Listing }>();
  const key = `${runs.map((r) => r.info.run_id).join(',')}|${dir}`;
  useEffect(() => {
    let live = true;
    Promise.all(runs.map((r) => api.listArtifacts(r.info.run_id, dir).then((x) => x.files ?? [], (e: Error) => e))).then((lists) => {
      if (!live) return;
      setState({ key, listing: new Map(runs.map((r, i) => [r.info.run_id, lists[i]])) });
    });
    return () => { live = false; };
  }, [key]); // eslint-disable-line react-hooks/exhaustive-deps
  return state?.key === key ? state.listing : undefined;
}

export function ArtifactCompare({ runs: allRuns, path }: { runs: Run[]; path: string }) {
  const runs = useMemo(() => allRuns.slice(0, ARTIFACT_COMPARE_RUNS), [allRuns]);
  const [isDir, setIsDir] = useState(false);
  // The listed folder: the chosen path when it is a folder, else its parent.
  const dir = isDir ? path : parentOf(path);
  const listing = useFolder(runs, dir);
  const merged = useMemo(() => {
    const m = new Map<string, { file: FileInfo; count: number }>();
    for (const files of listing?.values() ?? []) {
      if (files instanceof Error) continue;
      for (const f of files) {
        const e = m.get(f.path);
        if (e) e.count++;
        else m.set(f.path, { file: f, count: 1 });
      }
    }
    return Array.from(m.values()).sort((a, b) => Number(!!b.file.is_dir) - Number(!!a.file.is_dir) || a.file.path.localeCompare(b.file.path));
  }, [listing]);
  useEffect(() => {
    // A deep link to a folder: known once its parent is listed.
    const hit = merged.find((e) => e.file.path === path);
    if (hit?.file.is_dir && !isDir) setIsDir(true);
  }, [merged, path, isDir]);
  if (!runs.length) return <Empty title="No runs"><p>Select runs in the table to compare their artifacts.</p></Empty>;
  const choose = (f: FileInfo) => {
    setIsDir(!!f.is_dir);
    setQuery({ artifactPath: f.path });
  };
  const errors = listing ? Array.from(listing.entries()).filter(([, v]) => v instanceof Error) : [];
  const selectedFile = !isDir && path ? merged.find((e) => e.file.path === path)?.file : undefined;
  return (
    <div className="artifact-compare" data-testid="artifact-compare">
      <div className="artifact-tree" role="tree" aria-label="Artifacts of the compared runs">
        <div className="muted small" style={{ padding: '2px 8px 6px' }}>
          {allRuns.length > runs.length ? `Artifacts of the first ${runs.length} of ${allRuns.length} runs` : `Artifacts of ${runs.length} run${runs.length === 1 ? '' : 's'}`}
        </div>
        {dir && (
          <div className="node" role="treeitem" onClick={() => { setIsDir(true); setQuery({ artifactPath: parentOf(dir) || undefined }); }}>
            <span className="mono">..</span><span className="muted small ellipsis">{dir}</span>
          </div>
        )}
        {!listing && <div style={{ padding: 8 }}><Spinner /></div>}
        {listing && merged.length === 0 && <div className="muted" style={{ padding: 8 }}>No artifacts{dir ? ' in this folder' : ''}.</div>}
        {merged.map(({ file, count }) => (
          <div key={file.path} role="treeitem" className={`node${file.path === path ? ' on' : ''}`} onClick={() => choose(file)} data-path={file.path}>
            <span style={{ width: 12, color: 'var(--text-secondary)', fontSize: 10 }}>{file.is_dir ? '▶' : ''}</span>
            <span className="ellipsis grow">{file.path.split('/').pop()}{file.is_dir ? '/' : ''}</span>
            <span className="muted small" title={`in ${count} of ${runs.length} runs`}>{count}/{runs.length}</span>
          </div>
        ))}
        {errors.map(([id, e]) => <div key={id} className="filter-error small" style={{ padding: '2px 8px' }}>{(e as Error).message}</div>)}
      </div>
      <div className="artifact-compare-cols">
        {!selectedFile ? (
          <div className="empty"><p>{isDir || !path ? 'Choose a file to see it for every run.' : listing ? 'No run has this file.' : ''}</p></div>
        ) : runs.map((r) => {
          const files = listing?.get(r.info.run_id);
          const own = Array.isArray(files) ? files.find((f) => f.path === path) : undefined;
          return (
            <div key={r.info.run_id} className="artifact-compare-col" data-run-id={r.info.run_id}>
              <div className="row" style={{ marginBottom: 6 }}>
                <span className="color-dot" style={{ background: runColor(r.info.run_id) }} />
                <b className="ellipsis">{runName(r)}</b>
              </div>
              {files instanceof Error ? <ErrorBox error={files} />
                : own ? <FilePreview path={path} size={own.file_size === undefined ? undefined : Number(own.file_size)} url={artifactUrl(r.info.run_id, path)} />
                  : <div className="muted" data-testid="artifact-missing">Not logged by this run.</div>}
            </div>
          );
        })}
      </div>
    </div>
  );
}
