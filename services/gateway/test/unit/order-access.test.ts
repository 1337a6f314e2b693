import { AppError, notFound } from '@oms/errors';
import type { QueryDeps } from '../../src/application/deps';
import { openReturnCommand } from '../../src/application/open-return';
import { assertMayReadOrder, visibleOrder } from '../../src/application/order-access';
import type { Principal } from '../../src/domain/access/principal';

const ops: Principal = { actor: 'api-key:ops', roles: ['ops'] };
const webshop: Principal = { actor: 'api-key:web', roles: ['channel:webshop'] };
const partner: Principal = { actor: 'api-key:3pl', roles: ['partner:dhl'] };

/** Ingestion's query API as the use cases see it: a webshop order `o-web`, nothing else; every read counted. */
function ingestion() {
  const reads: string[] = [];
  const deps = {
    upstreams: {
      ingestion: {
        get: async (path: string) => {
          reads.push(path);
          if (path === '/internal/orders/o-web') return { id: 'o-web', channel: 'webshop', status: 'pending', timeline: [] };
          throw notFound(`Order ${decodeURIComponent(path.split('/').pop()!)}`);
        },
      },
    },
  } as unknown as QueryDeps;
  return { deps, reads };
}

const refusal = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (err: AppError) => ({ status: err.status, detail: err.detail }),
  );

describe('who may see or act on an order', () => {
  it('when ops asks about an order, then nothing is read; a key without channel roles is 403 without a read', async () => {
    const { deps, reads } = ingestion();
    await assertMayReadOrder(deps, ops, 'o-any');
    expect(await refusal(assertMayReadOrder(deps, partner, 'o-web'))).toEqual({ status: 403, detail: "This key's roles do not cover orders" });
    expect(reads).toEqual([]);
  });

  it("when a channel key asks about another channel's order, then it is the same 404 as a missing order", async () => {
    const { deps } = ingestion();
    const market: Principal = { actor: 'api-key:mp', roles: ['channel:marketplace'] };
    expect(await refusal(assertMayReadOrder(deps, market, 'o-web'))).toEqual({ status: 404, detail: 'Order o-web was not found' });
    expect(await refusal(visibleOrder(deps, market, 'o-web'))).toEqual({ status: 404, detail: 'Order o-web was not found' });
    expect(await refusal(visibleOrder(deps, market, 'o-gone'))).toEqual({ status: 404, detail: 'Order o-gone was not found' });
    expect((await visibleOrder(deps, webshop, 'o-web')).channel).toBe('webshop');
  });

  it('when a return is opened, then the order is read once: unknown is 404, a key without channels 403, another channel 404', async () => {
    const lines = [{ sku: 'A', quantity: 1, reason: 'too small' }];
    const { deps, reads } = ingestion();
    const command = await openReturnCommand(deps, webshop, { orderId: 'o-web', lines });
    expect(reads).toEqual(['/internal/orders/o-web']);
    expect(command).toMatchObject({
      type: 'return.open.v1',
      correlationId: 'o-web',
      data: { orderId: 'o-web', lines, actor: 'api-key:web', returnId: expect.any(String) },
    });

    expect(await refusal(openReturnCommand(deps, ops, { orderId: 'o-gone', lines }))).toEqual({ status: 404, detail: 'Order o-gone was not found' });
    expect(await refusal(openReturnCommand(deps, partner, { orderId: 'o-web', lines }))).toMatchObject({ status: 403 });
    expect(await refusal(openReturnCommand(deps, { actor: 'x', roles: ['channel:marketplace'] }, { orderId: 'o-web', lines }))).toEqual({
      status: 404,
      detail: 'Order o-web was not found',
    });
  });
});
