import { z } from 'zod';
import { skuAttributesImportSummarySchema, skuAttributesSchema } from '@oms/contracts';
import { express } from '@oms/http';
import type { GatewayDeps } from '../../application/deps';
import { importSkuAttributesCsv, skuAttributesOf } from '../../application/import-sku-attributes-csv';
import { apiRoute, pathId } from './api-route';
import { requireOps } from './auth';
import { commandRoute } from './command-route';
import { answerImportSummary, requireCsvBody } from './csv-import';
import { readCsvUpload } from './csv-stream';

const skuParams = z.object({ sku: pathId });
// Owned by the carrier service: documented loosely, its fields are that service's contract.
const attributesView = z.object({ sku: z.string() }).loose().describe('The shipping attributes of a SKU');

/** SKU attributes the warehouse and the carriers need: weight, measures, dangerous goods, ships alone. */
export function skusRoutes(deps: GatewayDeps): express.Router {
  const router = express.Router();

  commandRoute(router, deps, {
    method: 'put',
    path: '/skus/:sku/attributes',
    summary: 'Set the shipping attributes of a SKU (replaces what it had): unit weight, measures, dangerous goods, ships alone',
    tags: ['shipping'],
    params: skuParams,
    body: skuAttributesSchema.strict(),
    responses: {
      200: { description: 'Set', schema: z.object({ set: z.literal(1) }) },
      202: { description: 'Queued; they will be set', schema: z.object({ status: z.literal('accepted') }) },
    },
    command: ({ params, body }, res) => ({
      type: 'sku.set-attributes.v1',
      data: { items: [{ sku: params.sku, ...body }], actor: requireOps(res).actor },
      correlationId: `sku:${params.sku}`,
    }),
    pending: () => ({ status: 'accepted' }),
  });

  apiRoute(router, {
    method: 'get',
    path: '/skus/:sku/attributes',
    summary: 'The shipping attributes of a SKU',
    tags: ['shipping'],
    params: skuParams,
    responses: { 200: { description: 'The attributes', schema: attributesView } },
    handler: async (_req, res, { params }) => {
      requireOps(res);
      res.json(await skuAttributesOf(deps, params.sku));
    },
  });

  apiRoute(router, {
    method: 'post',
    path: '/skus/attributes/import',
    summary: 'Import SKU attributes from CSV (sku[, weightGrams, lengthCm, widthCm, heightCm, hazmat, shipsAlone]); each row replaces its SKU’s attributes',
    tags: ['shipping'],
    body: z.string().describe('CSV with a header row; see docs/carriers.md'),
    bodyContentType: 'text/csv',
    documentBodyOnly: true,
    responses: {
      200: { description: 'Counts, and every rejected row with its reason (the first 100 listed, the rest counted)', schema: skuAttributesImportSummarySchema },
    },
    errors: [415],
    handler: async (req, res) => {
      const { actor } = requireOps(res);
      requireCsvBody(req);
      answerImportSummary(res, await importSkuAttributesCsv(deps, actor, (options) => readCsvUpload(req, options)));
    },
  });

  return router;
}
