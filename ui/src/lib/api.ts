// The REST client: every call goes to the server's public API under ajax-api/ (relative, so the UI
// also works behind a path prefix). Errors carry MLflow's error_code and message, and a server
// that cannot be reached becomes a clear error too, never a silent failure.

export interface KeyValue { key: string; value: string }
export interface Metric { key: string; value: number; timestamp: number; step: number }
export interface MetricWithRunId extends Metric { run_id: string }
export interface RunInfo {
  run_id: string; run_uuid?: string; run_name?: string; experiment_id: string; user_id?: string;
  status: string; start_time?: number; end_time?: number; artifact_uri?: string; lifecycle_stage: string;
}
export interface Dataset { name: string; digest: string; source_type?: string; source?: string; schema?: string; profile?: string }
export interface DatasetInput { tags?: KeyValue[]; dataset: Dataset }
export interface Run {
  info: RunInfo;
  data: { metrics?: Metric[]; params?: KeyValue[]; tags?: KeyValue[] };
  inputs?: { dataset_inputs?: DatasetInput[]; model_inputs?: { model_id: string }[] };
  outputs?: { model_outputs?: { model_id: string; step: number }[] };
}
export interface Experiment {
  experiment_id: string; name: string; artifact_location?: string; lifecycle_stage: string;
  last_update_time?: number; creation_time?: number; tags?: KeyValue[];
}
export interface FileInfo { path: string; is_dir?: boolean; file_size?: number | string }
export interface ModelVersion {
  name: string; version: string; creation_timestamp?: number; last_updated_timestamp?: number;
  user_id?: string; current_stage?: string; description?: string; source?: string; run_id?: string;
  status?: string; status_message?: string; tags?: KeyValue[]; run_link?: string; aliases?: string[];
  model_id?: string;
}
export interface RegisteredModel {
  name: string; creation_timestamp?: number; last_updated_timestamp?: number; user_id?: string;
  description?: string; latest_versions?: ModelVersion[]; tags?: KeyValue[];
  aliases?: { alias: string; version: string }[];
}
export interface LoggedModel {
  info: {
    model_id: string; experiment_id: string; name: string; artifact_uri?: string; creation_timestamp_ms?: number;
    last_updated_timestamp_ms?: number; model_type?: string; source_run_id?: string; status?: string;
    status_message?: string; tags?: KeyValue[]; registrations?: { name: string; version: string }[];
  };
  data?: { params?: KeyValue[]; metrics?: (Metric & { dataset_name?: string; dataset_digest?: string; run_id?: string })[] };
}

// MLflow 3 traces (TraceInfoV3 as JSON): times are RFC 3339 text, durations like "1.25s".
export interface TraceInfo {
  trace_id: string; client_request_id?: string; request_preview?: string; response_preview?: string;
  request_time?: string; execution_duration?: string; state?: string;
  trace_metadata?: Record<string, string>; tags?: Record<string, string>;
}

export class ApiError extends Error {
  constructor(public code: string, message: string, public status: number) {
    super(message);
  }
}

const BASE = 'ajax-api/2.0/mlflow/';

type Query = Record<string, string | number | boolean | undefined | (string | number)[]>;

export function queryString(q: Query): string {
  const parts: string[] = [];
  for (const [k, v] of Object.entries(q)) {
    if (v === undefined) continue;
    for (const item of Array.isArray(v) ? v : [v]) parts.push(`${encodeURIComponent(k)}=${encodeURIComponent(String(item))}`);
  }
  return parts.join('&');
}

export async function call<T>(method: string, path: string, args?: Query | object, signal?: AbortSignal, base = BASE): Promise<T> {
  let url = base + path;
  const init: RequestInit = { method, signal, headers: {} };
  if (method === 'GET') {
    if (args) {
      const qs = queryString(args as Query);
      if (qs) url += '?' + qs;
    }
  } else {
    init.body = JSON.stringify(args ?? {});
    (init.headers as Record<string, string>)['Content-Type'] = 'application/json';
  }
  let res: Response;
  try {
    res = await fetch(url, init);
  } catch (e) {
    if ((e as Error).name === 'AbortError') throw e;
    throw new ApiError('NETWORK_ERROR', 'Cannot reach the MLflow server. Is it running?', 0);
  }
  const text = await res.text();
  let json: unknown = undefined;
  try {
    json = text ? JSON.parse(text) : {};
  } catch {
    /* not JSON: handled below */
  }
  if (!res.ok) {
    const body = (json ?? {}) as { error_code?: string; message?: string };
    throw new ApiError(body.error_code ?? `HTTP_${res.status}`, body.message ?? (text.slice(0, 300) || res.statusText), res.status);
  }
  if (json === undefined) throw new ApiError('BAD_RESPONSE', 'The server answered something that is not JSON.', res.status);
  return json as T;
}

export const api = {
  searchExperiments: (a: { filter?: string; max_results?: number; order_by?: string[]; page_token?: string; view_type?: string }) =>
    call<{ experiments?: Experiment[]; next_page_token?: string }>('POST', 'experiments/search', { max_results: 1000, ...a }),
  getExperiment: (id: string) => call<{ experiment: Experiment }>('GET', 'experiments/get', { experiment_id: id }),
  createExperiment: (name: string, artifact_location?: string) =>
    call<{ experiment_id: string }>('POST', 'experiments/create', { name, artifact_location: artifact_location || undefined }),
  renameExperiment: (id: string, new_name: string) => call('POST', 'experiments/update', { experiment_id: id, new_name }),
  deleteExperiment: (id: string) => call('POST', 'experiments/delete', { experiment_id: id }),
  setExperimentTag: (id: string, key: string, value: string) =>
    call('POST', 'experiments/set-experiment-tag', { experiment_id: id, key, value }),

  searchRuns: (
    a: { experiment_ids: string[]; filter?: string; run_view_type?: string; max_results?: number; order_by?: string[]; page_token?: string },
    signal?: AbortSignal,
  ) => call<{ runs?: Run[]; next_page_token?: string }>('POST', 'runs/search', a, signal),
  getRun: (id: string) => call<{ run: Run }>('GET', 'runs/get', { run_id: id }),
  updateRun: (run_id: string, a: { run_name?: string; status?: string }) => call('POST', 'runs/update', { run_id, ...a }),
  deleteRun: (run_id: string) => call('POST', 'runs/delete', { run_id }),
  restoreRun: (run_id: string) => call('POST', 'runs/restore', { run_id }),
  setTag: (run_id: string, key: string, value: string) => call('POST', 'runs/set-tag', { run_id, key, value }),
  deleteTag: (run_id: string, key: string) => call('POST', 'runs/delete-tag', { run_id, key }),
  metricHistory: (run_id: string, metric_key: string, page_token?: string, signal?: AbortSignal) =>
    call<{ metrics?: Metric[]; next_page_token?: string }>(
      'GET', 'metrics/get-history', { run_id, metric_key, max_results: 25000, page_token }, signal),
  bulkInterval: (run_ids: string[], metric_key: string, max_results: number, range?: [number, number], signal?: AbortSignal) =>
    call<{ metrics?: MetricWithRunId[] }>('GET', 'metrics/get-history-bulk-interval', {
      run_ids, metric_key, max_results, start_step: range?.[0], end_step: range?.[1],
    }, signal),
  listArtifacts: (run_id: string, path?: string) =>
    call<{ root_uri?: string; files?: FileInfo[] }>('GET', 'artifacts/list', { run_id, path: path || undefined }),

  searchModels: (a: { filter?: string; max_results?: number; order_by?: string[]; page_token?: string }) =>
    call<{ registered_models?: RegisteredModel[]; next_page_token?: string }>('GET', 'registered-models/search', { max_results: 100, ...a }),
  getModel: (name: string) => call<{ registered_model: RegisteredModel }>('GET', 'registered-models/get', { name }),
  createModel: (name: string) => call('POST', 'registered-models/create', { name }),
  updateModel: (name: string, description: string) => call('PATCH', 'registered-models/update', { name, description }),
  deleteModel: (name: string) => call('DELETE', 'registered-models/delete', { name }),
  setModelTag: (name: string, key: string, value: string) => call('POST', 'registered-models/set-tag', { name, key, value }),
  deleteModelTag: (name: string, key: string) => call('DELETE', 'registered-models/delete-tag', { name, key }),
  setAlias: (name: string, alias: string, version: string) => call('POST', 'registered-models/alias', { name, alias, version }),
  deleteAlias: (name: string, alias: string) => call('DELETE', 'registered-models/alias', { name, alias }),
  searchVersions: (filter: string, max_results = 1000) =>
    call<{ model_versions?: ModelVersion[]; next_page_token?: string }>('GET', 'model-versions/search', { filter, max_results }),
  getVersion: (name: string, version: string) => call<{ model_version: ModelVersion }>('GET', 'model-versions/get', { name, version }),
  createVersion: (name: string, source: string, run_id?: string) =>
    call<{ model_version: ModelVersion }>('POST', 'model-versions/create', { name, source, run_id }),
  updateVersion: (name: string, version: string, description: string) =>
    call('PATCH', 'model-versions/update', { name, version, description }),
  transitionStage: (name: string, version: string, stage: string, archive_existing_versions: boolean) =>
    call('POST', 'model-versions/transition-stage', { name, version, stage, archive_existing_versions }),
  deleteVersion: (name: string, version: string) => call('DELETE', 'model-versions/delete', { name, version }),
  setVersionTag: (name: string, version: string, key: string, value: string) =>
    call('POST', 'model-versions/set-tag', { name, version, key, value }),
  deleteVersionTag: (name: string, version: string, key: string) =>
    call('DELETE', 'model-versions/delete-tag', { name, version, key }),

  searchLoggedModels: (experiment_ids: string[], page_token?: string) =>
    call<{ models?: LoggedModel[]; next_page_token?: string }>('POST', 'logged-models/search', { experiment_ids, max_results: 100, page_token }),
  getLoggedModel: (id: string) => call<{ model: LoggedModel }>('GET', `logged-models/${encodeURIComponent(id)}`),
  // Traces of an experiment linked to a logged model (v3 API; a server without tracing answers 404).
  searchTraces: (experiment_id: string, filter?: string, max_results = 100) =>
    call<{ traces?: TraceInfo[]; next_page_token?: string }>('POST', 'traces/search', {
      locations: [{ type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id } }], filter, max_results,
    }, undefined, 'ajax-api/3.0/mlflow/'),
  listLoggedModelArtifacts: (id: string, path?: string) =>
    call<{ root_uri?: string; files?: FileInfo[] }>('GET', `logged-models/${encodeURIComponent(id)}/artifacts/directories`, { artifact_directory_path: path || undefined }),
};

// Where a run's artifact file is downloaded (MLflow's get-artifact route).
export function artifactUrl(runId: string, path: string): string {
  return `get-artifact?${queryString({ path, run_uuid: runId })}`;
}
export function loggedModelArtifactUrl(modelId: string, path: string): string {
  return `ajax-api/2.0/mlflow/logged-models/${encodeURIComponent(modelId)}/artifacts/files?${queryString({ artifact_file_path: path })}`;
}

export function tagValue(tags: KeyValue[] | undefined, key: string): string | undefined {
  return tags?.find((t) => t.key === key)?.value;
}

// Fetches every page of a paged call, up to `limit` items.
export async function allPages<T>(fetchPage: (token?: string) => Promise<{ items: T[]; next?: string }>, limit = 100000): Promise<T[]> {
  const out: T[] = [];
  let token: string | undefined;
  for (let i = 0; i < 1000; i++) {
    const page = await fetchPage(token);
    out.push(...page.items);
    token = page.next;
    if (!token || out.length >= limit) break;
  }
  return out;
}
