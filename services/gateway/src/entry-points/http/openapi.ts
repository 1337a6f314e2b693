import { OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi';
import swaggerUi from 'swagger-ui-express';
import { asyncApiJson } from '@oms/contracts';
import { express } from '@oms/http';
import { registry } from './api-route';

let cached: ReturnType<OpenApiGeneratorV31['generateDocument']> | undefined;

/** The OpenAPI 3.1 document of the public API, generated from the schemas the routes validate with. */
export function openApiDocument() {
  cached ??= new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'OMS public API',
      version: '1.0.0',
      description:
        'Order management: intake from every channel, inventory, fulfillment, shipping, returns. Errors are RFC 9457 problem+json. ' +
        'POSTs accept an Idempotency-Key header.',
    },
    servers: [{ url: '/' }],
  });
  return cached;
}

let asyncApi: string | undefined;

/**
 * `/openapi.json`, interactive docs at `/docs` (swagger-ui, served from the package, no CDN), and
 * `/asyncapi.json`: the AsyncAPI 3.0 document of every event and command on the broker (@oms/contracts).
 */
export function docsRoutes(): express.Router {
  const router = express.Router();
  router.get('/openapi.json', (_req, res) => {
    res.json(openApiDocument());
  });
  router.get('/asyncapi.json', (_req, res) => {
    asyncApi ??= asyncApiJson();
    res.type('application/json').send(asyncApi);
  });
  router.use('/docs', swaggerUi.serve, swaggerUi.setup(undefined, { swaggerUrl: '/openapi.json', customSiteTitle: 'OMS API' }));
  return router;
}
