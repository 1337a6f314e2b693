import { randomBytes } from 'node:crypto';
import { DEFAULT_FRAUD_RULES, type FraudRules } from '@oms/contracts';
import { createCarrierSandbox, createPaymentSandbox, serve, type PaymentSandboxControl, type RunningSandbox } from '@oms/sandboxes';
import { TestStack, type RunningService, type VhostHost } from '@oms/testing';
import { definition as carrier } from '../../../services/carrier/src/service';
import { definition as fulfillment } from '../../../services/fulfillment/src/service';
import { definition as gateway } from '../../../services/gateway/src/service';
import { definition as ingestion } from '../../../services/ingestion/src/service';
import { definition as inventory } from '../../../services/inventory/src/service';
import { definition as paymentCheck } from '../../../services/payment-check/src/service';
import { definition as returns } from '../../../services/returns/src/service';
import { definition as tasks } from '../../../services/tasks/src/service';
import { definition as reports } from '../../../services/reports/src/service';

/** The whole OMS in this test process: nine services on one vhost, each with its own database. */
export interface Cluster {
  stack: TestStack;
  gatewayUrl: string;
  apiKey: string;
  /** The shared service token of the /internal/* routes. */
  internalToken: string;
  sandboxes: RunningSandbox[];
  /** The payment sandbox's controls (refuse the next refunds, let an authorization expire...). */
  paymentSandbox: PaymentSandboxControl;
  /** The running services by name, e.g. to stop one and start it again on its port. */
  services: Record<string, RunningService<unknown>>;
  stop: () => Promise<void>;
}

export interface ClusterOptions {
  /** Added to every service's environment (e.g. LOG_LEVEL for a test that reads the logs). */
  env?: Record<string, string>;
  /** The fraud rules the cluster screens with (PUT /v1/fraud/rules at start); see CLUSTER_FRAUD_RULES. */
  fraudRules?: FraudRules;
  /** Another broker than the shared one (a PrivateRabbitMq with the management API): the cluster's vhost is made there. */
  broker?: VhostHost;
  /** Added to the carrier service's environment only (e.g. RABBITMQ_MANAGEMENT_URL). */
  carrierEnv?: Record<string, string>;
}

/**
 * The default rules without velocity: the suites place dozens of orders for sampleOrder's one customer
 * within minutes, which velocity would rightly hold for review. The fraud suite puts the rules it tests.
 */
export const CLUSTER_FRAUD_RULES: FraudRules = { ...DEFAULT_FRAUD_RULES, velocity: { ...DEFAULT_FRAUD_RULES.velocity, enabled: false } };

export async function startCluster(options: ClusterOptions = {}): Promise<Cluster> {
  const stack = await TestStack.create(options.broker);
  const paymentSandbox = createPaymentSandbox();
  const payment = await serve(paymentSandbox.app);
  const carrierApi = await serve(createCarrierSandbox().app);
  // The services' /internal/* routes need the shared token, as in production (docs/security.md).
  const internalToken = options.env?.INTERNAL_API_TOKEN ?? randomBytes(32).toString('hex');
  const start = async (def: any, extra: Record<string, string> = {}) =>
    (await stack.start(def, { INTERNAL_API_TOKEN: internalToken, ...options.env, ...extra })) as RunningService<unknown>;
  const [ing, inv, pay, ful, car, ret, tsk, rep] = await Promise.all([
    start(ingestion),
    // A short lease: the first start rebuilds the (empty) stock counters and waits one lease.
    start(inventory, { INVENTORY_LEASE_MS: '1000' }),
    start(paymentCheck, { PAYMENT_PROVIDER_URL: payment.url }),
    start(fulfillment),
    start(carrier, { CARRIER_SANDBOX_URL: carrierApi.url, ...options.carrierEnv }),
    start(returns),
    // The rules' scheduler looks every second, so a suite that shortens a rule's time sees it act soon.
    start(tasks, { SCHEDULER_PASS_MS: '1000' }),
    start(reports),
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
    TASKS_URL: tsk.url,
    REPORTS_URL: rep.url,
    // The suites' fake webhook receivers listen on http://127.0.0.1 (production allows neither).
    WEBHOOK_ALLOW_HTTP: 'true',
    WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true',
  });
  const put = await fetch(`${gw.url}/v1/fraud/rules`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify(options.fraudRules ?? CLUSTER_FRAUD_RULES),
  });
  if (put.status !== 200) throw new Error(`PUT /v1/fraud/rules answered ${put.status}: ${await put.text()}`);
  return {
    stack,
    gatewayUrl: gw.url,
    apiKey,
    internalToken,
    sandboxes: [payment, carrierApi],
    paymentSandbox: paymentSandbox.control,
    services: { ingestion: ing, inventory: inv, 'payment-check': pay, fulfillment: ful, carrier: car, returns: ret, tasks: tsk, reports: rep, gateway: gw },
    stop: async () => {
      await stack.cleanup();
      await Promise.all([payment.close(), carrierApi.close()]);
    },
  };
}
