// Starts the real mlflow-cpp binary on 127.0.0.1, port 0, with a temp database and artifact root;
// the first stderr line names the port. Also a tiny REST client for seeding.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function serverBinary() {
  const b = process.env.MLFLOW_CPP_BINARY;
  if (!b) throw new Error('MLFLOW_CPP_BINARY must point at the built mlflow-cpp binary');
  return b;
}

export async function startServer({ binary = serverBinary(), args = [], env = process.env } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'mlflow-cpp-ui-'));
  const proc = spawn(binary, ['server', '--host', '127.0.0.1', '--port', '0',
    '--backend-store-uri', `sqlite:///${join(dir, 'mlflow.db')}`,
    '--artifacts-destination', join(dir, 'artifacts'), ...args], { stdio: ['ignore', 'ignore', 'pipe'], env });
  const port = await new Promise((resolve, reject) => {
    let buf = '';
    const timer = setTimeout(() => reject(new Error(`server did not start: ${buf}`)), 20000);
    proc.stderr.on('data', (d) => {
      buf += d;
      const m = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(buf);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    proc.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}: ${buf}`));
    });
  });
  proc.stderr.resume();
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    port,
    dir,
    api: client(url),
    async stop() {
      if (proc.exitCode === null) {
        proc.kill('SIGTERM');
        await new Promise((r) => {
          const t = setTimeout(() => { proc.kill('SIGKILL'); r(); }, 5000);
          proc.on('exit', () => { clearTimeout(t); r(); });
        });
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function client(url) {
  async function call(method, path, body) {
    const init = { method, headers: {} };
    let target = `${url}/api/2.0/mlflow/${path}`;
    if (method === 'GET' && body) target += '?' + new URLSearchParams(body).toString();
    else if (body !== undefined) {
      init.body = JSON.stringify(body);
      init.headers['Content-Type'] = 'application/json';
    }
    const res = await fetch(target, init);
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
    return text ? JSON.parse(text) : {};
  }
  return {
    call,
    post: (p, b) => call('POST', p, b),
    get: (p, q) => call('GET', p, q),
    async upload(artifactUri, relPath, content) {
      // mlflow-artifacts:/<path> -> PUT /api/2.0/mlflow-artifacts/artifacts/<path>/<relPath>
      const base = artifactUri.replace(/^mlflow-artifacts:\/*/, '');
      const res = await fetch(`${url}/api/2.0/mlflow-artifacts/artifacts/${base}/${relPath}`, { method: 'PUT', body: content });
      if (!res.ok) throw new Error(`upload ${relPath}: ${res.status} ${await res.text()}`);
    },
  };
}
