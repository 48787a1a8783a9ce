// The worker API the page calls (typed through Comlink in src/client/worker.ts). One module per
// area; each module is a plain object of async functions that return only page-safe values.
import * as Comlink from 'comlink';
import { account } from './account.ts';
import { photos } from './photos.ts';
import { media } from './media.ts';
import { albums } from './albums.ts';
import { sharing } from './sharing.ts';
import { links } from './links.ts';
import { uploads } from './uploads.ts';
import { bench } from './bench.ts';
import { state, type WorkerEvent } from './state.ts';

export const api = {
  account,
  photos,
  media,
  albums,
  sharing,
  links,
  uploads,
  bench,
  events: {
    /** Calls `listener` (a Comlink.proxy) on logout, notices and library changes. */
    async subscribe(listener: (e: WorkerEvent) => void): Promise<void> {
      state.on((e) => { void Promise.resolve(listener(e)).catch(() => undefined); });
    },
  },
};

export type WorkerApi = typeof api;
export { Comlink };
