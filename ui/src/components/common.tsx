import { ReactNode, useEffect, useState } from 'react';
import { ApiError, KeyValue } from '../lib/api';
import { renderMarkdown } from '../lib/markdown';

export function Spinner() {
  return <span className="spinner" role="progressbar" aria-label="Loading" />;
}

export function Loading({ what }: { what?: string }) {
  return (
    <div className="loading">
      <Spinner /> Loading{what ? ` ${what}` : ''}…
    </div>
  );
}

export function errorText(e: unknown): { title: string; message: string } {
  if (e instanceof ApiError) {
    if (e.code === 'NETWORK_ERROR') return { title: 'Server unreachable', message: e.message };
    if (e.code === 'RESOURCE_DOES_NOT_EXIST') return { title: 'Not found', message: e.message };
    return { title: e.code, message: e.message };
  }
  return { title: 'Error', message: (e as Error)?.message ?? String(e) };
}

export function ErrorBox({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const { title, message } = errorText(error);
  return (
    <div className="error-box" role="alert">
      <strong>{title}</strong>
      {message}
      {onRetry && (
        <div style={{ marginTop: 8 }}>
          <button className="small" onClick={onRetry}>
            Retry
          </button>
        </div>
      )}
    </div>
  );
}

export function Empty({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="empty">
      <h2>{title}</h2>
      {children}
    </div>
  );
}

export function Modal({ title, children, onClose, footer, width }: {
  title: string; children: ReactNode; onClose: () => void; footer?: ReactNode; width?: number;
}) {
  useEffect(() => {
    const on = (e: KeyboardEvent) => e.key === 'Escape' && onClose();
    window.addEventListener('keydown', on);
    return () => window.removeEventListener('keydown', on);
  }, [onClose]);
  return (
    <div className="modal-backdrop" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div className="modal" role="dialog" aria-label={title} style={width ? { width } : undefined}>
        <header>{title}</header>
        <div className="body">{children}</div>
        {footer && <footer>{footer}</footer>}
      </div>
    </div>
  );
}

// A modal with one or more text fields and a submit that may fail with the server's message.
export function FormModal({ title, fields, submitLabel, onSubmit, onClose }: {
  title: string;
  fields: { name: string; label: string; initial?: string; placeholder?: string; multiline?: boolean; required?: boolean }[];
  submitLabel: string;
  onSubmit: (values: Record<string, string>) => Promise<unknown>;
  onClose: () => void;
}) {
  const [values, setValues] = useState<Record<string, string>>(() =>
    Object.fromEntries(fields.map((f) => [f.name, f.initial ?? ''])));
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const missing = fields.some((f) => f.required && !values[f.name]?.trim());
  const submit = async () => {
    if (missing || busy) return;
    setBusy(true);
    setError(undefined);
    try {
      await onSubmit(values);
      onClose();
    } catch (e) {
      setError(e);
      setBusy(false);
    }
  };
  return (
    <Modal title={title} onClose={onClose} footer={
      <>
        <button onClick={onClose}>Cancel</button>
        <button className="primary" disabled={missing || busy} onClick={submit}>{busy ? <Spinner /> : null}{submitLabel}</button>
      </>
    }>
      <form className="col" onSubmit={(e) => { e.preventDefault(); submit(); }}>
        {fields.map((f, i) => (
          <label key={f.name} className="col" style={{ gap: 4 }}>
            <span className="muted">{f.label}</span>
            {f.multiline ? (
              <textarea rows={8} value={values[f.name]} placeholder={f.placeholder} autoFocus={i === 0}
                onChange={(e) => setValues({ ...values, [f.name]: e.target.value })} />
            ) : (
              <input type="text" value={values[f.name]} placeholder={f.placeholder} autoFocus={i === 0} aria-label={f.label}
                onChange={(e) => setValues({ ...values, [f.name]: e.target.value })} />
            )}
          </label>
        ))}
        <button type="submit" style={{ display: 'none' }} />
      </form>
      {error !== undefined && <ErrorBox error={error} />}
    </Modal>
  );
}

export function ConfirmModal({ title, message, confirmLabel, onConfirm, onClose }: {
  title: string; message: ReactNode; confirmLabel: string; onConfirm: () => Promise<unknown>; onClose: () => void;
}) {
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  return (
    <Modal title={title} onClose={onClose} footer={
      <>
        <button onClick={onClose}>Cancel</button>
        <button className="primary" disabled={busy} onClick={async () => {
          setBusy(true);
          try {
            await onConfirm();
            onClose();
          } catch (e) {
            setError(e);
            setBusy(false);
          }
        }}>{confirmLabel}</button>
      </>
    }>
      <div>{message}</div>
      {error !== undefined && <ErrorBox error={error} />}
    </Modal>
  );
}

export function Tabs({ tabs, active }: { tabs: { key: string; label: ReactNode; href: string }[]; active: string }) {
  return (
    <nav className="tabs" role="tablist">
      {tabs.map((t) => (
        <a key={t.key} href={t.href} role="tab" aria-selected={t.key === active} className={t.key === active ? 'active' : ''}>
          {t.label}
        </a>
      ))}
    </nav>
  );
}

const STATUS_COLORS: Record<string, string> = {
  FINISHED: 'green', RUNNING: 'blue', FAILED: 'red', KILLED: 'orange', SCHEDULED: '',
  READY: 'green', PENDING_REGISTRATION: 'blue', FAILED_REGISTRATION: 'red', PENDING: 'blue',
};

export function StatusBadge({ status }: { status?: string }) {
  if (!status) return null;
  const label = status.charAt(0) + status.slice(1).toLowerCase().replace(/_/g, ' ');
  return <span className={`badge ${STATUS_COLORS[status] ?? ''}`}>{label}</span>;
}

export function TagChip({ k, v }: { k: string; v: string }) {
  return (
    <span className="tag-chip" title={`${k}: ${v}`}>
      <b>{k}</b>
      {v && <span>{v}</span>}
    </span>
  );
}

export function Breadcrumbs({ items }: { items: { label: string; href?: string }[] }) {
  return (
    <div className="breadcrumbs">
      {items.map((it, i) => (
        <span key={i}>
          {i > 0 && <span className="sep">/</span>}
          {it.href ? <a href={it.href}>{it.label}</a> : it.label}
        </span>
      ))}
    </div>
  );
}

export function Markdown({ text }: { text: string }) {
  return <div className="markdown" dangerouslySetInnerHTML={{ __html: renderMarkdown(text) }} />;
}

// A description shown as Markdown, with an edit button that saves through `onSave`.
export function DescriptionEditor({ value, onSave, placeholder }: {
  value: string; onSave: (v: string) => Promise<unknown>; placeholder?: string;
}) {
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState(value);
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  useEffect(() => setDraft(value), [value]);
  if (!editing) {
    return (
      <div className="col" style={{ gap: 4 }}>
        {value ? <Markdown text={value} /> : <span className="muted">{placeholder ?? 'No description'}</span>}
        <div>
          <button className="link small" onClick={() => setEditing(true)} aria-label="Edit description">Edit description</button>
        </div>
      </div>
    );
  }
  return (
    <div className="col">
      <textarea rows={6} value={draft} onChange={(e) => setDraft(e.target.value)} aria-label="Description" autoFocus />
      <div className="row">
        <button className="primary small" disabled={busy} onClick={async () => {
          setBusy(true);
          setError(undefined);
          try {
            await onSave(draft);
            setEditing(false);
          } catch (e) {
            setError(e);
          }
          setBusy(false);
        }}>Save</button>
        <button className="small" onClick={() => { setDraft(value); setEditing(false); }}>Cancel</button>
      </div>
      {error !== undefined && <ErrorBox error={error} />}
    </div>
  );
}

// Tags table with add / edit / delete; `hidden` filters keys out (e.g. mlflow.* system tags).
export function TagsEditor({ tags, onSet, onDelete, hidden }: {
  tags: KeyValue[];
  onSet: (k: string, v: string) => Promise<unknown>;
  onDelete: (k: string) => Promise<unknown>;
  hidden?: (k: string) => boolean;
}) {
  const [key, setKey] = useState('');
  const [value, setValue] = useState('');
  const [editing, setEditing] = useState<string | null>(null);
  const [editValue, setEditValue] = useState('');
  const [error, setError] = useState<unknown>();
  const shown = tags.filter((t) => !hidden?.(t.key));
  const run = async (p: Promise<unknown>) => {
    setError(undefined);
    try {
      await p;
      return true;
    } catch (e) {
      setError(e);
      return false;
    }
  };
  return (
    <div className="col">
      {shown.length > 0 && (
        <table className="grid" aria-label="Tags">
          <thead><tr><th style={{ width: '30%' }}>Key</th><th>Value</th><th style={{ width: 120 }} /></tr></thead>
          <tbody>
            {shown.map((t) => (
              <tr key={t.key}>
                <td className="mono">{t.key}</td>
                <td>
                  {editing === t.key ? (
                    <input type="text" value={editValue} autoFocus aria-label={`Value of ${t.key}`} style={{ width: '100%' }}
                      onChange={(e) => setEditValue(e.target.value)}
                      onKeyDown={async (e) => {
                        if (e.key === 'Enter' && (await run(onSet(t.key, editValue)))) setEditing(null);
                        if (e.key === 'Escape') setEditing(null);
                      }} />
                  ) : (
                    <span style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-word' }}>{t.value}</span>
                  )}
                </td>
                <td>
                  {editing === t.key ? (
                    <button className="small" onClick={async () => (await run(onSet(t.key, editValue))) && setEditing(null)}>Save</button>
                  ) : (
                    <span className="row">
                      <button className="link small" onClick={() => { setEditing(t.key); setEditValue(t.value); }}>Edit</button>
                      <button className="link small danger" onClick={() => run(onDelete(t.key))}>Delete</button>
                    </span>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <form className="row" onSubmit={async (e) => {
        e.preventDefault();
        if (!key.trim()) return;
        if (await run(onSet(key.trim(), value))) {
          setKey('');
          setValue('');
        }
      }}>
        <input type="text" placeholder="Tag key" value={key} onChange={(e) => setKey(e.target.value)} aria-label="New tag key" />
        <input type="text" placeholder="Value" value={value} onChange={(e) => setValue(e.target.value)} aria-label="New tag value" />
        <button type="submit" disabled={!key.trim()}>Add tag</button>
      </form>
      {error !== undefined && <ErrorBox error={error} />}
    </div>
  );
}

export function Toast({ text, onDone }: { text: string; onDone: () => void }) {
  useEffect(() => {
    const t = setTimeout(onDone, 2500);
    return () => clearTimeout(t);
  }, [onDone]);
  return <div className="toast">{text}</div>;
}
