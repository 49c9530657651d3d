import type { SchemaField } from '../lib/mlmodel';

// A model signature's input or output columns.
export function SchemaTable({ title, fields }: { title: string; fields?: SchemaField[] }) {
  if (!fields) return null;
  return (
    <div>
      <h3>{title} <span className="muted small">({fields.length})</span></h3>
      <table className="grid">
        <thead><tr><th>Name</th><th>Type</th></tr></thead>
        <tbody>{fields.map((f, i) => <tr key={i}><td className="mono">{f.name ?? '-'}</td><td>{f.type}{f.optional ? ' (optional)' : ''}</td></tr>)}</tbody>
      </table>
    </div>
  );
}
