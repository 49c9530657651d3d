// Reads the parts of an MLmodel file (YAML) that the UI shows: flavors and the signature's input
// and output schemas (JSON strings inside the YAML, as MLflow writes them).
export interface SchemaField { name?: string; type: string; optional?: boolean }
export interface MlModelInfo { flavors: string[]; inputs?: SchemaField[]; outputs?: SchemaField[] }

function unquoteYamlScalar(s: string): string {
  const t = s.trim();
  if (t.startsWith("'") && t.endsWith("'")) return t.slice(1, -1).replace(/''/g, "'");
  if (t.startsWith('"') && t.endsWith('"')) {
    try {
      return JSON.parse(t);
    } catch {
      return t.slice(1, -1);
    }
  }
  return t;
}

export function parseMlModel(text: string): MlModelInfo {
  const lines = text.split('\n');
  const flavors: string[] = [];
  let section = '';
  const info: MlModelInfo = { flavors };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const top = /^([A-Za-z_][\w-]*):\s*(.*)$/.exec(line);
    if (top) {
      section = top[1];
      continue;
    }
    if (section === 'flavors') {
      const f = /^ {2}([A-Za-z_][\w.-]*):\s*$/.exec(line);
      if (f) flavors.push(f[1]);
    }
    if (section === 'signature') {
      const s = /^ {2}(inputs|outputs):\s*(.*)$/.exec(line);
      if (s) {
        let value = s[2];
        // A long quoted scalar may continue on indented lines.
        while (i + 1 < lines.length && /^ {4,}\S/.test(lines[i + 1])) value += ' ' + lines[++i].trim();
        try {
          const parsed = JSON.parse(unquoteYamlScalar(value));
          if (Array.isArray(parsed)) info[s[1] as 'inputs' | 'outputs'] = parsed;
        } catch {
          /* not a column schema (tensor spec or malformed): not shown */
        }
      }
    }
  }
  return info;
}
