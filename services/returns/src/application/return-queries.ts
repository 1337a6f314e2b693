import { notFound } from '@oms/errors';
import type { ReturnListQuery, ReturnRepository } from '../data-access/return-repository';
import { toReturnView } from '../data-access/return-view';

/** What the gateway asks about returns. */
export function returnQueries(returns: ReturnRepository) {
  return {
    /** An order's returns, in the order they were opened. */
    async ofOrder(orderId: string) {
      return (await returns.ofOrder(orderId)).map(toReturnView);
    },

    /** A page of returns, newest first (ReturnRepository.list). */
    async list(query: ReturnListQuery) {
      const page = await returns.list(query);
      return { items: page.items.map(toReturnView), nextCursor: page.nextCursor };
    },

    async get(id: string) {
      const ret = await returns.byId(id);
      if (!ret) throw notFound(`Return ${id}`);
      return toReturnView(ret);
    },
  };
}

export type ReturnQueries = ReturnType<typeof returnQueries>;
