import type { Express } from '@oms/http';
import { notFound } from '@oms/errors';
import type { OrderRepository } from '../../data-access/order-repository';

/** Queries for the gateway (internal port only). */
export function internalOrderRoutes(app: Express, orders: OrderRepository): void {
  app.get('/internal/orders/:id', async (req, res) => {
    const order = await orders.view(req.params.id);
    if (!order) throw notFound(`Order ${req.params.id}`);
    res.json(order);
  });
}
