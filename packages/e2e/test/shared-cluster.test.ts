import { setDefaultLogDestination } from '@oms/logging';
import { accessSuite } from './access.suite';
import { addressSuite } from './address.suite';
import { startCluster, type Cluster } from './cluster';
import { fraudSuite } from './fraud.suite';
import { inventorySuite } from './inventory.suite';
import { LogScanner } from './log-scan';
import { logSecrets, logSecretsSuite } from './log-secrets.suite';
import { orderLifeSuite } from './order-life.suite';
import { refundsSuite } from './refunds.suite';
import { ordersLifecycleSuite } from './orders-lifecycle.suite';
import { returnRefusalsSuite } from './return-refusals.suite';
import { shopifySuite } from './shopify.suite';
import { shortagesSuite } from './shortages.suite';
import { tasksSuite } from './tasks.suite';
import { reportsSuite } from './reports.suite';
import { warehouseSuite } from './warehouse.suite';
import { webhooksSuite } from './webhooks.suite';

/**
 * The end-to-end suites that can share one cluster, run on one boot of it (a boot of the nine services is most of
 * a small suite's time). Each suite, in its own *.suite.ts, keeps to its own channel, SKUs and external ids, sets up
 * what it needs in its own beforeAll, and passes in any order or alone (`-t` with its describe name).
 *
 * A suite boots a cluster of its own (its own *.test.ts) when it would disturb the others or be disturbed by them:
 * it stops or restarts services or processes (drain-*, intake-resilience), runs its own processes or configuration
 * (cluster-metrics, readme), or counts what the whole cluster does (store-writes: every store write;
 * redis-per-order: every Redis key; grafana-dashboard: metric samples that must be exactly one order's).
 */
let cluster: Cluster | undefined;
const shared = (): Cluster => {
  if (!cluster) throw new Error('the shared cluster did not start (see the error of its beforeAll)');
  return cluster;
};

// Every service of the cluster logs (at debug) into the scanner, which the last suite reads: no secret in any log.
const logs = new LogScanner();
beforeAll(async () => {
  setDefaultLogDestination(logs);
  cluster = await startCluster({ env: { LOG_LEVEL: 'debug', INTERNAL_API_TOKEN: logSecrets.internalToken } });
}, 120000);
afterAll(async () => {
  await cluster?.stop();
  setDefaultLogDestination(undefined);
});

orderLifeSuite(shared);
ordersLifecycleSuite(shared);
shortagesSuite(shared);
inventorySuite(shared);
accessSuite(shared);
returnRefusalsSuite(shared);
fraudSuite(shared);
addressSuite(shared);
refundsSuite(shared);
shopifySuite(shared);
warehouseSuite(shared);
webhooksSuite(shared);
tasksSuite(shared);
reportsSuite(shared);
// Last: it reads the logs of all the suites before it.
logSecretsSuite(shared, logs);
