// A hash router with MLflow's paths (#/experiments/1/runs/abc/artifacts/model), so links people
// already have keep working. State that should survive a reload or be shared lives in the query
// part of the hash (#/experiments/1?searchFilter=...), as in MLflow.
import { useEffect, useState } from 'react';

export interface Route {
  path: string;        // "/experiments/1/runs/abc"
  segments: string[];  // decoded path segments
  query: URLSearchParams;
}

export function parseHash(hash: string): Route {
  let h = hash.startsWith('#') ? hash.slice(1) : hash;
  if (!h.startsWith('/')) h = '/' + h;
  const q = h.indexOf('?');
  const path = q >= 0 ? h.slice(0, q) : h;
  const query = new URLSearchParams(q >= 0 ? h.slice(q + 1) : '');
  const segments = path.split('/').filter(Boolean).map((s) => {
    try {
      return decodeURIComponent(s);
    } catch {
      return s;
    }
  });
  return { path, segments, query };
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseHash(window.location.hash));
  useEffect(() => {
    const on = () => setRoute(parseHash(window.location.hash));
    window.addEventListener('hashchange', on);
    return () => window.removeEventListener('hashchange', on);
  }, []);
  return route;
}

// "#/a/b?x=1" from path segments (encoded) and query values (undefined/empty dropped).
export function href(segments: (string | number)[], query?: Record<string, string | undefined | null>): string {
  const path = '/' + segments.map((s) => encodeURIComponent(String(s))).join('/');
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined && v !== null && v !== '') q.set(k, v);
  const qs = q.toString();
  return '#' + path + (qs ? '?' + qs : '');
}

export function navigate(to: string, replace = false): void {
  const target = to.startsWith('#') ? to : '#' + to;
  if (replace) {
    window.history.replaceState(null, '', target);
    window.dispatchEvent(new HashChangeEvent('hashchange'));
  } else {
    window.location.hash = target.slice(1);
  }
}

// Rewrites some query parameters of the current route (replace: no new history entry).
export function setQuery(updates: Record<string, string | undefined | null>, replace = true): void {
  const r = parseHash(window.location.hash);
  for (const [k, v] of Object.entries(updates)) {
    if (v === undefined || v === null || v === '') r.query.delete(k);
    else r.query.set(k, v);
  }
  const qs = r.query.toString();
  navigate('#' + r.path + (qs ? '?' + qs : ''), replace);
}
