import { notFound } from '@oms/errors';
import type { OrderPage, OrderRepository } from '../data-access/order-repository';
import type { OrderListQuery } from '../data-access/order-query';

export type { OrderListQuery } from '../data-access/order-query';
export { decodeTimeCursor } from '@oms/mongo';
export type { OrderRepository } from '../data-access/order-repository';

/** One page of the order list (GET /v1/orders through the gateway). */
export const listOrders = (orders: OrderRepository, query: OrderListQuery): Promise<OrderPage> => orders.list(query);

/** One order as clients see it, with its timeline. */
export async function getOrder(orders: OrderRepository, id: string) {
  const order = await orders.view(id);
  if (!order) throw notFound(`Order ${id}`);
  return order;
}
