// The worker entry: every module's functions behind one Comlink endpoint, each result checked
// at the boundary ([Note: the worker boundary]).
import * as Comlink from 'comlink';
import { checkCrossing, installErrorTransfer } from '../shared/rpc.ts';
import { toInfo } from './errors.ts';
import { api as composed } from './api.ts';
import { guardApi } from './guard.ts';

installErrorTransfer(toInfo);
Comlink.expose(guardApi(composed, checkCrossing));
