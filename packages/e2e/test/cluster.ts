import { randomBytes } from 'node:crypto';
import { createCarrierSandbox, createPaymentSandbox, serve, type RunningSandbox } from '@oms/sandboxes';
import { TestStack, type RunningService } from '@oms/testing';
import { definition as carrier } from '../../../services/carrier/src/service';
import { definition as fulfillment } from '../../../services/fulfillment/src/service';
import { definition as gateway } from '../../../services/gateway/src/service';
import { definition as ingestion } from '../../../services/ingestion/src/service';
import { definition as inventory } from '../../../services/inventory/src/service';
import { definition as paymentCheck } from '../../../services/payment-check/src/service';
import { definition as returns } from '../../../services/returns/src/service';

/** The whole OMS in this test process: seven services on one vhost, each with its own database. */
export interface Cluster {
  stack: TestStack;
  gatewayUrl: string;
  apiKey: string;
  sandboxes: RunningSandbox[];
  /** The running services by name, e.g. to stop one and start it again on its port. */
  services: Record<string, RunningService<unknown>>;
  stop: () => Promise<void>;
}

export async function startCluster(): Promise<Cluster> {
  const stack = await TestStack.create();
  const payment = await serve(createPaymentSandbox().app);
  const carrierApi = await serve(createCarrierSandbox().app);
  const start = async (def: any, extra: Record<string, string> = {}) => (await stack.start(def, extra)) as RunningService<unknown>;
  const [ing, inv, pay, ful, car, ret] = await Promise.all([
    start(ingestion),
    // A short lease: the first start rebuilds the (empty) stock counters and waits one lease.
    start(inventory, { INVENTORY_LEASE_MS: '1000' }),
    start(paymentCheck, { PAYMENT_PROVIDER_URL: payment.url }),
    start(fulfillment),
    start(carrier, { CARRIER_SANDBOX_URL: carrierApi.url }),
    start(returns),
  ]);
  const apiKey = `oms_test_${randomBytes(12).toString('hex')}`;
  const gw = await start(gateway, {
    OMS_BOOTSTRAP_API_KEY: apiKey,
    INGESTION_URL: ing.url,
    INVENTORY_URL: inv.url,
    PAYMENT_CHECK_URL: pay.url,
    FULFILLMENT_URL: ful.url,
    CARRIER_URL: car.url,
    RETURNS_URL: ret.url,
  });
  return {
    stack,
    gatewayUrl: gw.url,
    apiKey,
    sandboxes: [payment, carrierApi],
    services: { ingestion: ing, inventory: inv, 'payment-check': pay, fulfillment: ful, carrier: car, returns: ret, gateway: gw },
    stop: async () => {
      await stack.cleanup();
      await Promise.all([payment.close(), carrierApi.close()]);
    },
  };
}
