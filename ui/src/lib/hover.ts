// The run under the pointer, shared by the runs table and every chart on the page: hovering a
// table row or a chart line highlights that run everywhere. A tiny store rather than React state
// high in the tree, so a hover re-renders only the subscribers (the visible rows, the charts).
import { useSyncExternalStore } from 'react';

let hovered: string | null = null;
const listeners = new Set<() => void>();

export function setHoveredRun(id: string | null): void {
  if (id === hovered) return;
  hovered = id;
  for (const l of Array.from(listeners)) l();
}

export function getHoveredRun(): string | null {
  return hovered;
}

export function subscribeHoveredRun(l: () => void): () => void {
  listeners.add(l);
  return () => listeners.delete(l);
}

export function useHoveredRun(): string | null {
  return useSyncExternalStore(subscribeHoveredRun, getHoveredRun, getHoveredRun);
}
