import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { routes, type RouteName } from '@obscura/protocol';
import { makeTestApp, type TestApp } from './helpers.ts';

describe('OpenAPI from the route table', () => {
  let t: TestApp;
  before(async () => { t = await makeTestApp(); });
  after(() => t.close());

  test('/api/openapi.json lists every route of the table with its method, auth and binary bodies', async () => {
    const r = await t.app.inject({ method: 'GET', url: '/api/openapi.json' });
    assert.equal(r.statusCode, 200);
    const doc = r.json() as { openapi: string; paths: Record<string, Record<string, { operationId?: string; security?: unknown; requestBody?: { content: Record<string, unknown> }; responses: Record<string, { content?: Record<string, unknown> }> }>> };
    assert.match(doc.openapi, /^3\./);
    const ops = Object.values(doc.paths).flatMap((p) => Object.values(p)).map((o) => o.operationId).sort();
    assert.deepEqual(ops, Object.keys(routes).sort());
    for (const [name, def] of Object.entries(routes) as [RouteName, (typeof routes)[RouteName]][]) {
      const op = doc.paths[def.path.replace(/:([A-Za-z]+)/g, '{$1}')]?.[def.method.toLowerCase()];
      assert.ok(op, `${name} in the document`);
      assert.equal(op.operationId, name);
      assert.equal(op.security !== undefined, def.auth !== 'none', `${name} security`);
      if ('binary' in def && def.binary === 'request') assert.ok(op.requestBody?.content['application/octet-stream'], `${name} binary body`);
      if ('binary' in def && def.binary === 'response') assert.ok(op.responses['200']?.content?.['application/octet-stream'], `${name} binary response`);
    }
  });

  test('the browsable docs are served at /api/docs', async () => {
    const r = await t.app.inject({ method: 'GET', url: '/api/docs/' });
    assert.equal(r.statusCode, 200);
    assert.match(r.headers['content-type'] as string, /text\/html/);
  });
});
