import { test } from 'node:test';
import assert from 'node:assert/strict';
import Fastify from 'fastify';
import { routes } from '@obscura/protocol';
import { handlers, type Handlers, type Services } from '../src/http/handlers.ts';
import { registerRoutes } from '../src/http/register.ts';
import type { SessionService } from '../src/services/sessions.ts';

// (That the server never imports @obscura/crypto is checked for the whole repo in
// test/architecture.test.ts.)

test('every route of the table has a handler, and registration refuses a missing one', async () => {
  const h = handlers({} as Services);
  assert.deepEqual(Object.keys(h).sort(), Object.keys(routes).sort());
  const { libraryLookup: _dropped, ...partial } = h;
  const app = Fastify();
  assert.throws(() => registerRoutes(app, partial as unknown as Handlers, {} as SessionService),
    /route libraryLookup \(POST \/api\/library\/lookup\) has no handler/);
  await app.close();
});
