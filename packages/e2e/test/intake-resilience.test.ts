import request from 'supertest';
import { eventually, sampleOrder } from '@oms/testing';
import { definition as ingestion } from '../../../services/ingestion/src/service';
import { startCluster, type Cluster } from './cluster';

/** An order the gateway said yes to is never lost, even when the service that stores it is down. */
describe('intake while ingestion is down', () => {
  let cluster: Cluster;
  const auth = () => ({ Authorization: `Bearer ${cluster.apiKey}` });
  beforeAll(async () => {
    cluster = await startCluster();
    await request(cluster.gatewayUrl).put('/v1/channels/webshop').set(auth()).send({ name: 'Web shop', type: 'web', defaultCurrency: 'EUR' }).expect(201);
  }, 120000);
  afterAll(async () => cluster?.stop());

  it('when ingestion is stopped, then orders are still accepted, and they are stored once it is back', async () => {
    const port = String(cluster.services.ingestion.port);
    await cluster.services.ingestion.stop();

    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await request(cluster.gatewayUrl)
        .post('/v1/orders')
        .set(auth())
        .send(sampleOrder({ externalId: `DOWN-${i}` }));
      expect(res.status).toBe(202);
      ids.push(res.body.id);
    }
    // Reading needs ingestion: while it is down the answer is a 503 to retry, not a 5xx bug or a 404.
    const whileDown = await request(cluster.gatewayUrl).get(`/v1/orders/${ids[0]}`).set(auth());
    expect(whileDown.status).toBe(503);
    expect(whileDown.headers['retry-after']).toBeDefined();

    await cluster.stack.start(ingestion, { PORT: port, INTERNAL_API_TOKEN: cluster.internalToken });
    for (const id of ids) {
      const stored = await eventually(async () => {
        const res = await request(cluster.gatewayUrl).get(`/v1/orders/${id}`).set(auth());
        return res.status === 200 && res.body;
      }, 30000);
      expect(stored.timeline[0]).toMatchObject({ type: 'order_received' });
    }
    // A resend now finds the stored order.
    const again = await request(cluster.gatewayUrl)
      .post('/v1/orders')
      .set(auth())
      .send(sampleOrder({ externalId: 'DOWN-0' }));
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(ids[0]);
  }, 90000);
});
