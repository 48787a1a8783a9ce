import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Static } from '@sinclair/typebox';
import type { CreateLinkBody } from '@obscura/protocol';
import type { ObscuraApp } from '../src/app.ts';
import { blob } from './album-helpers.ts';
import { call } from './helpers.ts';

/** A visitor's access proof (what the client derives from the URL secret and password) and its verifier. */
export function proofPair() {
  const proof = randomBytes(32);
  return { proof, proofB64Url: proof.toString('base64url'), verifierB64: createHash('sha256').update(proof).digest('base64') };
}

export const linkHeader = (proofB64Url: string) => ({ authorization: `Link ${proofB64Url}` });

export interface LinkOpts { password?: boolean; expiresAt?: string | null; allowDownload?: boolean; epochs?: number }

/** A createLink body as a client would build it, with the proof to visit it. */
export function linkBody(target: { kind: 'file'; fileId: string } | { kind: 'album'; albumId: string }, o: LinkOpts = {}) {
  const p = proofPair();
  const linkId = randomUUID();
  const body: Static<typeof CreateLinkBody> = {
    linkId, target, accessVerifierB64: p.verifierB64,
      passwordParamsB64: o.password ? blob(40) : null,
      expiresAt: o.expiresAt ?? null, allowDownload: o.allowDownload ?? true,
      ownerWrappedLinkKeyB64: blob(60), ownerWrappedSecretB64: blob(60),
      ...(target.kind === 'file'
        ? { fileKey: { wrappedB64: blob(72) } }
        : { albumKeys: Array.from({ length: o.epochs ?? 1 }, (_, i) => ({ epoch: i + 1, wrappedB64: blob(60) })) }),
  };
  return { linkId, ...p, body };
}

export async function createLink(app: ObscuraApp, token: string, target: Parameters<typeof linkBody>[0], o: LinkOpts = {}) {
  const l = linkBody(target, o);
  const r = await call(app, 'createLink', { token, body: l.body });
  if (r.statusCode !== 200) throw new Error(`createLink ${r.statusCode}: ${r.body}`);
  return { ...l, info: r.json() };
}

/** A visitor request from a given client address. */
export function visit(app: ObscuraApp, url: string, proofB64Url: string | null, ip = '203.0.113.7') {
  return app.inject({ method: 'GET', url, remoteAddress: ip, headers: proofB64Url ? linkHeader(proofB64Url) : {} });
}
