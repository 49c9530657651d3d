// Artifact browser: a lazily loaded folder tree (artifacts/list, one folder at a time) and a
// preview of the selected file. Previews are bounded: above PREVIEW_LIMIT the page offers a
// download instead of freezing on a huge file (MLflow's 50 MiB cap lets a 10 MB JSON hang the page:
// docs/reference/ui.md, Artifacts), and binary content is detected, not dumped.
import { ReactNode, useEffect, useState } from 'react';
import { FileInfo } from '../lib/api';
import { formatBytes } from '../lib/format';
import { parseCsv } from '../lib/csv';
import { asEvalTable, cellString, EvalTable } from '../lib/evaltable';
import { ErrorBox, Loading, Spinner } from './common';

export const PREVIEW_LIMIT = 5 * 1024 * 1024;
const CSV_ROWS = 500;

const TEXT_EXT = new Set(['txt', 'log', 'json', 'yaml', 'yml', 'py', 'md', 'ini', 'toml', 'xml', 'cfg', 'conf', 'sh', 'js', 'ts',
  'r', 'scala', 'java', 'sql', 'ipynb', 'properties', 'env', 'jsonl', 'rst', 'tex', 'lock', 'gitignore', 'dockerfile', 'html', 'htm', 'csv', 'tsv']);
const TEXT_NAMES = new Set(['MLmodel', 'MLproject', 'Dockerfile', 'LICENSE', 'README', 'requirements.txt']);
const IMAGE_EXT = new Set(['png', 'jpg', 'jpeg', 'gif', 'svg', 'bmp', 'webp', 'ico']);

export function extOf(path: string): string {
  const name = path.split('/').pop() ?? '';
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(dot + 1).toLowerCase() : '';
}

export type PreviewKind = 'image' | 'csv' | 'json' | 'yaml' | 'html' | 'text' | 'none';
export function previewKind(path: string): PreviewKind {
  const name = path.split('/').pop() ?? '';
  const ext = extOf(path);
  if (IMAGE_EXT.has(ext)) return 'image';
  if (ext === 'csv' || ext === 'tsv') return 'csv';
  if (ext === 'json' || ext === 'ipynb') return 'json';
  if (ext === 'yaml' || ext === 'yml' || name === 'MLmodel' || name === 'MLproject') return 'yaml';
  if (ext === 'html' || ext === 'htm') return 'html';
  if (TEXT_EXT.has(ext) || TEXT_NAMES.has(name) || !name.includes('.')) return 'text';
  return 'none';
}

interface Props {
  list: (path?: string) => Promise<FileInfo[]>;
  fileUrl: (path: string) => string;
  selected: string;
  onSelect: (path: string) => void;
  extra?: (path: string, isDir: boolean) => ReactNode;
}

function FolderIcon() {
  return (
    <svg width="14" height="14" viewBox="0 0 24 24" aria-hidden="true" style={{ flex: 'none', color: 'var(--text-secondary)' }}>
      <path d="M3 6.5A1.5 1.5 0 0 1 4.5 5h4.6l2 2h8.4A1.5 1.5 0 0 1 21 8.5v9a1.5 1.5 0 0 1-1.5 1.5h-15A1.5 1.5 0 0 1 3 17.5z" fill="currentColor" opacity="0.35" stroke="currentColor" strokeWidth="1.2" />
    </svg>
  );
}

function FileIcon() {
  return (
    <svg width="14" height="14" viewBox="0 0 24 24" aria-hidden="true" style={{ flex: 'none', color: 'var(--text-secondary)' }}>
      <path d="M6 3h8l4 4v14H6z M14 3v4h4" fill="none" stroke="currentColor" strokeWidth="1.5" strokeLinejoin="round" />
    </svg>
  );
}

function TreeNode({ file, depth, props, openDirs, toggle }: {
  file: FileInfo; depth: number; props: Props; openDirs: Map<string, FileInfo[] | 'loading' | Error>; toggle: (p: string) => void;
}) {
  const name = file.path.split('/').pop();
  const open = openDirs.get(file.path);
  const isOpen = file.is_dir && open !== undefined;
  return (
    <>
      <div className={`node${props.selected === file.path ? ' on' : ''}`} style={{ paddingLeft: 8 + depth * 16 }} role="treeitem"
        aria-expanded={file.is_dir ? isOpen : undefined}
        onClick={() => { if (file.is_dir) toggle(file.path); props.onSelect(file.path); }}>
        <span style={{ width: 12, color: 'var(--text-secondary)', fontSize: 10 }}>{file.is_dir ? (isOpen ? '▼' : '▶') : ''}</span>
        {file.is_dir ? <FolderIcon /> : <FileIcon />}
        <span className="ellipsis grow">{name}</span>
        {!file.is_dir && file.file_size !== undefined && <span className="muted small" style={{ flex: 'none' }}>{formatBytes(file.file_size)}</span>}
      </div>
      {isOpen && open === 'loading' && <div style={{ paddingLeft: 36 }}><Spinner /></div>}
      {isOpen && open instanceof Error && <div style={{ paddingLeft: 36 }} className="filter-error">{open.message}</div>}
      {isOpen && Array.isArray(open) && open.map((f) => <TreeNode key={f.path} file={f} depth={depth + 1} props={props} openDirs={openDirs} toggle={toggle} />)}
    </>
  );
}

export function ArtifactBrowser(props: Props) {
  const [root, setRoot] = useState<FileInfo[] | undefined>();
  const [error, setError] = useState<unknown>();
  const [openDirs, setOpenDirs] = useState<Map<string, FileInfo[] | 'loading' | Error>>(new Map());
  const [files, setFiles] = useState<Map<string, FileInfo>>(new Map());
  const remember = (list: FileInfo[]) => setFiles((m) => {
    const n = new Map(m);
    for (const f of list) n.set(f.path, f);
    return n;
  });
  const loadDir = (path: string) => {
    setOpenDirs((m) => new Map(m).set(path, 'loading'));
    props.list(path).then(
      (l) => { remember(l); setOpenDirs((m) => new Map(m).set(path, l)); },
      (e: Error) => setOpenDirs((m) => new Map(m).set(path, e)),
    );
  };
  useEffect(() => {
    props.list().then((l) => { remember(l); setRoot(l); }, setError);
    // Open the folders leading to the selected path (deep link).
    const parts = props.selected.split('/').filter(Boolean);
    for (let i = 1; i < parts.length; i++) loadDir(parts.slice(0, i).join('/'));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);
  const toggle = (p: string) => {
    if (openDirs.has(p)) setOpenDirs((m) => { const n = new Map(m); n.delete(p); return n; });
    else loadDir(p);
  };
  if (error !== undefined) return <ErrorBox error={error} />;
  if (!root) return <Loading what="artifacts" />;
  if (!root.length) return <div className="empty"><h2>No artifacts</h2><p>Files logged with mlflow.log_artifact() appear here.</p></div>;
  const sel = files.get(props.selected);
  return (
    <div className="artifacts">
      <div className="artifact-tree" role="tree" aria-label="Artifacts">
        {root.map((f) => <TreeNode key={f.path} file={f} depth={0} props={props} openDirs={openDirs} toggle={toggle} />)}
      </div>
      <div className="artifact-view" data-testid="artifact-view">
        {!props.selected ? (
          <div className="empty"><p>Select a file to preview it.</p></div>
        ) : sel?.is_dir ? (
          <div>
            <h3 className="mono">{props.selected}/</h3>
            {props.extra?.(props.selected, true)}
          </div>
        ) : (
          <FilePreview path={props.selected} size={sel?.file_size !== undefined ? Number(sel.file_size) : undefined} url={props.fileUrl(props.selected)} extra={props.extra?.(props.selected, false)} />
        )}
      </div>
    </div>
  );
}

function looksBinary(bytes: Uint8Array): boolean {
  const n = Math.min(bytes.length, 8192);
  let odd = 0;
  for (let i = 0; i < n; i++) {
    const b = bytes[i];
    if (b === 0) return true;
    if (b < 7 || (b > 13 && b < 32)) odd++;
  }
  return n > 0 && odd / n > 0.1;
}

export function FilePreview({ path, size, url, extra }: { path: string; size?: number; url: string; extra?: ReactNode }) {
  const kind = previewKind(path);
  const [state, setState] = useState<{ text?: string; error?: unknown; binary?: boolean; tooLarge?: boolean; loading: boolean }>({ loading: true });
  useEffect(() => {
    if (kind === 'image' || kind === 'none') return setState({ loading: false });
    if (size !== undefined && size > PREVIEW_LIMIT) return setState({ loading: false, tooLarge: true });
    const ctrl = new AbortController();
    setState({ loading: true });
    (async () => {
      const res = await fetch(url, { signal: ctrl.signal });
      if (!res.ok) {
        const t = await res.text();
        let msg = t.slice(0, 300);
        try { msg = JSON.parse(t).message ?? msg; } catch { /* plain text */ }
        throw new Error(`Cannot load ${path}: ${msg || res.statusText}`);
      }
      const len = Number(res.headers.get('content-length') ?? 0);
      if (len > PREVIEW_LIMIT) {
        ctrl.abort();
        return setState({ loading: false, tooLarge: true });
      }
      const buf = new Uint8Array(await res.arrayBuffer());
      if (buf.length > PREVIEW_LIMIT) return setState({ loading: false, tooLarge: true });
      if (looksBinary(buf)) return setState({ loading: false, binary: true });
      setState({ loading: false, text: new TextDecoder().decode(buf) });
    })().catch((e: Error) => {
      if (e.name === 'AbortError') return;
      setState({ loading: false, error: e.message === 'Failed to fetch' ? new Error('Cannot reach the MLflow server. Is it running?') : e });
    });
    return () => ctrl.abort();
  }, [url, kind, size, path]);
  const header = (
    <div className="row" style={{ marginBottom: 12 }}>
      <h3 className="mono grow ellipsis" style={{ margin: 0 }} title={path}>{path}</h3>
      {size !== undefined && <span className="muted">{formatBytes(size)}</span>}
      <a className="btn small" href={url} download={path.split('/').pop()}>Download</a>
    </div>
  );
  let body: ReactNode;
  if (kind === 'image') body = <img src={url} alt={path} />;
  else if (kind === 'none') body = <div className="empty"><p>No preview for this file type. Download it to open it.</p></div>;
  else if (state.loading) body = <Loading what="preview" />;
  else if (state.error !== undefined) body = <ErrorBox error={state.error} />;
  else if (state.tooLarge) body = <div className="empty" data-testid="preview-too-large"><h2>File too large to preview</h2><p>Files above {formatBytes(PREVIEW_LIMIT)} are not previewed. Download it instead.</p></div>;
  else if (state.binary) body = <div className="empty" data-testid="preview-binary"><h2>Binary file</h2><p>This file is not text. Download it to open it.</p></div>;
  else body = <TextPreview path={path} kind={kind} text={state.text ?? ''} />;
  return <div>{header}{extra}{body}</div>;
}

function TextPreview({ path, kind, text }: { path: string; kind: PreviewKind; text: string }) {
  if (kind === 'csv') {
    const rows = parseCsv(text, extOf(path) === 'tsv' ? '\t' : ',', CSV_ROWS + 1);
    if (rows.length === 0) return <div className="muted">Empty file</div>;
    const [head, ...data] = rows;
    return (
      <div>
        <div style={{ overflow: 'auto', maxHeight: 'calc(100vh - 320px)' }}>
          <table className="grid" data-testid="csv-table">
            <thead><tr>{head.map((h, i) => <th key={i}>{h}</th>)}</tr></thead>
            <tbody>{data.slice(0, CSV_ROWS).map((r, i) => <tr key={i}>{head.map((_, j) => <td key={j}>{r[j] ?? ''}</td>)}</tr>)}</tbody>
          </table>
        </div>
        {data.length > CSV_ROWS && <div className="muted small" style={{ marginTop: 6 }}>Showing the first {CSV_ROWS} rows.</div>}
      </div>
    );
  }
  if (kind === 'json') {
    try {
      const parsed = JSON.parse(text);
      const table = asEvalTable(parsed);
      if (table) return <EvalTableView table={table} pretty={JSON.stringify(parsed, null, 2)} />;
      const pretty = JSON.stringify(parsed, null, 2);
      return <pre className="code-view" data-testid="json-preview">{pretty}</pre>;
    } catch {
      return <pre className="code-view">{text}</pre>;
    }
  }
  if (kind === 'yaml') {
    return (
      <pre className="code-view" data-testid="yaml-preview">
        {text.split('\n').map((line, i) => {
          const m = /^(\s*-?\s*)([^:#\s][^:#]*?):(\s|$)(.*)$/.exec(line);
          return <div key={i}>{m ? <>{m[1]}<span className="yaml-key">{m[2]}</span>:{m[3]}{m[4]}</> : line || ' '}</div>;
        })}
      </pre>
    );
  }
  if (kind === 'html') return <iframe title={path} sandbox="" srcDoc={text} style={{ width: '100%', height: 'calc(100vh - 320px)', border: '1px solid var(--border-light)', background: '#fff' }} />;
  return <pre className="code-view" data-testid="text-preview">{text}</pre>;
}

// An evaluation table (pandas split JSON) as a grid, with a filter over its cells and the raw JSON
// one click away.
function EvalTableView({ table, pretty }: { table: EvalTable; pretty: string }) {
  const [raw, setRaw] = useState(false);
  const [q, setQ] = useState('');
  const rows = q ? table.rows.filter((r) => r.some((c) => cellString(c).toLowerCase().includes(q.toLowerCase()))) : table.rows;
  if (raw) {
    return (
      <div>
        <button className="small" onClick={() => setRaw(false)}>Show as table</button>
        <pre className="code-view" data-testid="json-preview">{pretty}</pre>
      </div>
    );
  }
  return (
    <div>
      <div className="row" style={{ marginBottom: 8 }}>
        <span className="badge blue">Evaluation table</span>
        <span className="muted small">{table.rows.length} rows, {table.columns.length} columns</span>
        <div className="spacer" />
        <input type="search" placeholder="Filter rows" aria-label="Filter rows" value={q} onChange={(e) => setQ(e.target.value)} />
        <button className="small" onClick={() => setRaw(true)}>Show JSON</button>
      </div>
      <div style={{ overflow: 'auto', maxHeight: 'calc(100vh - 340px)' }}>
        <table className="grid eval-table" data-testid="eval-table">
          <thead><tr>{table.columns.map((c, i) => <th key={i}>{c}</th>)}</tr></thead>
          <tbody>
            {rows.slice(0, CSV_ROWS).map((r, i) => (
              <tr key={i}>{table.columns.map((_, j) => {
                const v = r[j];
                const text = cellString(v);
                return <td key={j} className={typeof v === 'number' ? 'num' : ''} title={text.length > 200 ? text : undefined}>{text.length > 600 ? text.slice(0, 600) + '…' : text}</td>;
              })}</tr>
            ))}
          </tbody>
        </table>
      </div>
      {rows.length > CSV_ROWS && <div className="muted small" style={{ marginTop: 6 }}>Showing the first {CSV_ROWS} rows.</div>}
    </div>
  );
}
