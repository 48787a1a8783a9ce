// The page's handle on the worker. Functions passed as callbacks must be wrapped with `proxy`.
import * as Comlink from 'comlink';
import type { WorkerApi } from '../worker/api.ts';
import { installErrorTransfer } from '../shared/rpc.ts';

installErrorTransfer();

/** Each module of the worker API, its functions returning promises. */
export type WorkerClient = { readonly [K in keyof WorkerApi]: Comlink.Remote<WorkerApi[K]> };

export const worker = Comlink.wrap<WorkerApi>(
  new Worker(new URL('../worker/index.ts', import.meta.url), { type: 'module', name: 'obscura-crypto' }),
) as unknown as WorkerClient;

export const proxy = Comlink.proxy;

// `npm run bench:web` calls this from the page (bench/web.ts): random bytes and keys only.
(globalThis as { obscuraBench?: unknown }).obscuraBench = {
  decryptThroughput: (mib: number) => worker.bench.decryptThroughput(mib),
};
