// Typed HTTP client over the protocol's route table: the SDK never hand-rolls a request.
import {
  routes, routePath, isErrorResponse, LINK_AUTH_SCHEME,
  type RouteName, type RouteBody, type RouteParams, type RouteQuery, type RouteResponse,
} from '@obscura/protocol';
import { ApiError } from './errors.ts';

type Need<K extends string, T> = [T] extends [undefined]
  ? { [P in K]?: undefined }
  : {} extends T ? { [P in K]?: T } : { [P in K]: T };
export type CallInput<N extends RouteName> = Need<'params', RouteParams<N>> & Need<'query', RouteQuery<N>> & Need<'body', RouteBody<N>>;

export interface ApiClientOptions {
  readonly baseUrl: string;
  readonly token?: string | undefined;
  /** A public-link visitor's access proof (base64url), sent as `Authorization: Link …`. */
  readonly linkProof?: string;
  readonly fetch?: typeof fetch | undefined;
  readonly userAgent?: string | undefined;
}

export class ApiClient {
  readonly baseUrl: string;
  token: string | undefined;
  private readonly linkProof: string | undefined;
  private readonly fetchFn: typeof fetch;
  private readonly userAgent: string | undefined;

  constructor(opts: ApiClientOptions) {
    let u: URL;
    try {
      u = new URL(opts.baseUrl);
    } catch {
      throw new ApiError(0, 'network', `"${opts.baseUrl}" is not a server URL (expected e.g. http://localhost:8080)`);
    }
    this.baseUrl = u.origin + u.pathname.replace(/\/+$/, '');
    this.token = opts.token;
    this.linkProof = opts.linkProof;
    this.fetchFn = opts.fetch ?? globalThis.fetch.bind(globalThis);
    this.userAgent = opts.userAgent;
  }

  private url(name: RouteName, params?: object, query?: object): string {
    let url = this.baseUrl + routePath(name, (params ?? {}) as Record<string, string | number>);
    if (query) {
      const qs = new URLSearchParams();
      for (const [k, v] of Object.entries(query)) if (v !== undefined) qs.set(k, String(v));
      const s = qs.toString();
      if (s) url += `?${s}`;
    }
    return url;
  }

  private headers(extra: Record<string, string>): Record<string, string> {
    const h: Record<string, string> = { ...extra };
    if (this.token) h.authorization = `Bearer ${this.token}`;
    else if (this.linkProof) h.authorization = `${LINK_AUTH_SCHEME} ${this.linkProof}`;
    if (this.userAgent) h['user-agent'] = this.userAgent;
    return h;
  }

  private async send(name: RouteName, init: RequestInit & { url: string }): Promise<Response> {
    let res: Response;
    try {
      res = await this.fetchFn(init.url, init);
    } catch (e) {
      throw new ApiError(0, 'network', `cannot reach the server at ${this.baseUrl}: ${(e as Error).cause ? String((e as { cause: Error }).cause.message ?? (e as Error).cause) : (e as Error).message}`);
    }
    if (!res.ok) {
      let body: unknown;
      try {
        body = await res.json();
      } catch {
        body = undefined;
      }
      if (isErrorResponse(body)) throw new ApiError(res.status, body.error.code, body.error.message);
      throw new ApiError(res.status, 'protocol', `${routes[name].method} ${routes[name].path}: server answered HTTP ${res.status}`);
    }
    return res;
  }

  /** Calls a JSON route by name. */
  async call<N extends RouteName>(name: N, input: CallInput<N> = {} as CallInput<N>): Promise<RouteResponse<N>> {
    const route = routes[name];
    const { params, query, body } = input as { params?: object; query?: object; body?: unknown };
    const res = await this.send(name, {
      url: this.url(name, params, query),
      method: route.method,
      headers: this.headers(body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    return (await res.json()) as RouteResponse<N>;
  }

  /** Sends bytes to a binary-request route (e.g. putBlock). */
  async upload<N extends RouteName>(name: N, params: RouteParams<N>, bytes: Uint8Array): Promise<RouteResponse<N>> {
    const route = routes[name];
    const res = await this.send(name, {
      url: this.url(name, params as object),
      method: route.method,
      headers: this.headers({ 'content-type': 'application/octet-stream' }),
      body: bytes as unknown as BodyInit,
    });
    return (await res.json()) as RouteResponse<N>;
  }

  /** Fetches a binary-response route whole (blocks are ≤ 4 MiB, thumbnails smaller). */
  async download<N extends RouteName>(name: N, params: RouteParams<N>): Promise<Uint8Array> {
    const route = routes[name];
    const res = await this.send(name, { url: this.url(name, params as object), method: route.method, headers: this.headers({}) });
    return new Uint8Array(await res.arrayBuffer());
  }
}
