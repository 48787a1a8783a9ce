// The worker entry: every module's functions behind one Comlink endpoint, each result checked
// at the boundary ([Note: the worker boundary]); see guarded.ts.
import * as Comlink from 'comlink';
import { installErrorTransfer } from '../shared/rpc.ts';
import { toInfo } from './errors.ts';
import { guardedApi } from './guarded.ts';

installErrorTransfer(toInfo);
Comlink.expose(guardedApi);
