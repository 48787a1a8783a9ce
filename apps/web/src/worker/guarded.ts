// The worker API exactly as the page gets it: every function of every module behind the guard
// ([Note: the worker boundary]). Kept apart from index.ts (which only exposes it through Comlink)
// so a unit test can load the real composition under Node and check that nothing is left bare.
import { checkCrossing } from '../shared/rpc.ts';
import { api } from './api.ts';
import { guardApi } from './guard.ts';
import { noticeEndedSession } from './account.ts';

export const guardedApi = guardApi(api, checkCrossing, { onError: noticeEndedSession });
