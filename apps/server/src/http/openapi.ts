import type { FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { PROTOCOL_VERSION, routes } from '@obscura/protocol';

type OpenApiDoc = { paths?: Record<string, Record<string, Record<string, unknown>>> };

const openApiPath = (p: string) => p.replace(/:([A-Za-z]+)/g, '{$1}');

/** OpenAPI from the route table: JSON at /api/openapi.json, browsable at /api/docs. */
export async function registerOpenApi(app: FastifyInstance, publicUrl?: string): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Obscura API', version: String(PROTOCOL_VERSION),
        description: 'End-to-end encrypted photo library. The server stores only ciphertext.',
      },
      ...(publicUrl ? { servers: [{ url: publicUrl }] } : {}),
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer' },
          // Public-link visitors: `Authorization: Link <base64url access proof>`.
          link: { type: 'apiKey', in: 'header', name: 'Authorization', description: 'Link <base64url of the 32-byte access proof>' },
        },
      },
    },
    // Binary bodies are not JSON-validated, so they are described here instead.
    transformObject: (documentObject) => {
      const doc = ('openapiObject' in documentObject ? documentObject.openapiObject : documentObject.swaggerObject) as OpenApiDoc;
      for (const def of Object.values(routes) as { method: string; path: string; binary?: string }[]) {
        const op = doc.paths?.[openApiPath(def.path)]?.[def.method.toLowerCase()];
        if (!op || !def.binary) continue;
        const binary = { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } };
        if (def.binary === 'request') op.requestBody = { required: true, content: binary };
        else op.responses = { ...(op.responses as object), 200: { description: 'ciphertext bytes', content: binary } };
      }
      return doc as never;
    },
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs' });
  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());
}
