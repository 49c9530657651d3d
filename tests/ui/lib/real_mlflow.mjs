// Starts the real `mlflow server` (the pinned MLflow in MLFLOW_REAL_VENV, made by
// tests/interop/make_venv.sh) on 127.0.0.1 and a free port, with a temp database and artifact
// root, the AI gateway and the job runner switched off (features mlflow-cpp does not offer).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { client } from './server.mjs';

export function realVenv() {
  const v = process.env.MLFLOW_REAL_VENV;
  if (!v) throw new Error('MLFLOW_REAL_VENV must point at the venv holding the pinned mlflow (tests/interop/make_venv.sh)');
  return v;
}

async function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

export async function startRealMlflow({ venv = realVenv(), readyTimeoutMs = 120000 } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'mlflow-real-ui-'));
  const port = await freePort();
  const env = { ...process.env, MLFLOW_ENABLE_AI_GATEWAY: 'false', MLFLOW_SERVER_ENABLE_JOB_EXECUTION: 'false' };
  delete env.MLFLOW_TRACKING_URI;
  const proc = spawn(join(venv, 'bin', 'mlflow'), ['server', '--host', '127.0.0.1', '--port', String(port),
    '--backend-store-uri', `sqlite:///${join(dir, 'mlflow.db')}`, '--artifacts-destination', join(dir, 'artifacts'),
    '--workers', '1'], { stdio: ['ignore', 'ignore', 'pipe'], env, cwd: dir, detached: true });
  let log = '';
  proc.stderr.on('data', (d) => { log = (log + d).slice(-4000); });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + readyTimeoutMs;
  let up = false;
  for (let i = 0; i < 600 && Date.now() < deadline && proc.exitCode === null; i++) {
    try {
      if ((await fetch(`${url}/health`)).ok) { up = true; break; }
    } catch { /* not listening yet */ }
    await new Promise((r) => setTimeout(r, 500));
  }
  const stop = async () => {
    if (proc.exitCode === null) {
      // The server forks uvicorn: signal the whole process group.
      try { process.kill(-proc.pid, 'SIGTERM'); } catch { /* gone */ }
      await new Promise((r) => {
        const t = setTimeout(() => { try { process.kill(-proc.pid, 'SIGKILL'); } catch { /* gone */ } r(); }, 8000);
        proc.on('exit', () => { clearTimeout(t); r(); });
      });
    }
    rmSync(dir, { recursive: true, force: true });
  };
  if (!up) {
    await stop();
    throw new Error(`mlflow server did not start: ${log}`);
  }
  return { url, port, dir, api: client(url), stop };
}
