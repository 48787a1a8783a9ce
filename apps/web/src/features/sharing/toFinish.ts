// The invitations to people without an account that wait for me: they signed up, and my app
// must confirm their key and seal the album to it ([Note: finishing is asked, not done] in
// worker/sharing.ts). Asked once when the app starts (after log-in or a reload) and when the
// Shared pages load; never in a loop. The app-wide notice, its Review dialog and the share
// dialog read and update the same list.
import { useEffect, useState } from 'react';
import { worker } from '../../client/worker.ts';
import type { ExternalInvite } from '../../worker/sharing.ts';

let list: readonly ExternalInvite[] = [];
/** "Not now" in the Review dialog: not shown in the notice again until the app is loaded again. */
let notNow = new Set<string>();
let inFlight: Promise<void> | undefined;
const listeners = new Set<() => void>();

function changed(): void {
  for (const l of listeners) l();
}

/** Asks the worker once (a check already on its way is shared); failures stay quiet (the Shared pages say more). */
export function checkToFinish(): Promise<void> {
  inFlight ??= worker.sharing.toFinish().then((l) => {
    list = l;
    notNow = new Set([...notNow].filter((id) => l.some((x) => x.id === id)));
    changed();
  }, () => undefined).finally(() => { inFlight = undefined; });
  return inFlight;
}

/** Finished, cancelled or refused elsewhere (the share dialog): no longer waiting. */
export function forgetToFinish(id: string): void {
  if (!list.some((x) => x.id === id)) return;
  list = list.filter((x) => x.id !== id);
  changed();
}

export function notNowToFinish(id: string): void {
  notNow.add(id);
  changed();
}

/** Forgets everything (log out). */
export function resetToFinish(): void {
  list = [];
  notNow = new Set();
  changed();
}

/** Every invitation waiting for me to finish, and the ones not put off with "Not now". */
export function useToFinish(): { all: readonly ExternalInvite[]; shown: readonly ExternalInvite[] } {
  const [, render] = useState(0);
  useEffect(() => {
    const l = () => render((n) => n + 1);
    listeners.add(l);
    return () => { listeners.delete(l); };
  }, []);
  return { all: list, shown: list.filter((x) => !notNow.has(x.id)) };
}
