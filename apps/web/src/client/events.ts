// Worker events (library changed, notices, logged out) for any screen that wants them.
import { useEffect, useRef } from 'react';
import type { WorkerEvent } from '../worker/state.ts';

const listeners = new Set<(e: WorkerEvent) => void>();

export function emitWorkerEvent(e: WorkerEvent): void {
  for (const l of listeners) l(e);
}

/** Calls `fn` on every worker event of `type` while the component is mounted. */
export function useWorkerEvent<T extends WorkerEvent['type']>(type: T, fn: (e: Extract<WorkerEvent, { type: T }>) => void): void {
  const ref = useRef(fn);
  ref.current = fn;
  useEffect(() => {
    const l = (e: WorkerEvent) => { if (e.type === type) ref.current(e as Extract<WorkerEvent, { type: T }>); };
    listeners.add(l);
    return () => { listeners.delete(l); };
  }, [type]);
}
