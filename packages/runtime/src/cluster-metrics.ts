import cluster from 'node:cluster';
import { AggregatorRegistry } from 'prom-client';

/**
 * Metrics of a service that runs as `HTTP_WORKERS` processes on one port. Each worker counts what it
 * serves, and a scrape reaches whichever worker the connection lands on: on its own, /metrics would show
 * one worker's counters, then another's, and every rate computed from them would be wrong. So a worker
 * asks the primary, which collects every worker's metrics and sums them (prom-client's AggregatorRegistry:
 * counters and histograms add up; each metric's `aggregator` says otherwise).
 */
const REQUEST = 'oms:metrics-request';
const ANSWER = 'oms:metrics-answer';

interface MetricsRequest {
  type: typeof REQUEST;
  id: number;
}
interface MetricsAnswer {
  type: typeof ANSWER;
  id: number;
  text?: string;
  error?: string;
}

const isMessage = <T extends { type: string }>(message: unknown, type: T['type']): message is T =>
  typeof message === 'object' && message !== null && (message as { type?: unknown }).type === type;

/** In the primary: answer each worker's request with the metrics of all workers, summed. */
export function serveClusterMetrics(): void {
  const aggregator = new AggregatorRegistry();
  cluster.on('message', (worker, message: unknown) => {
    if (!isMessage<MetricsRequest>(message, REQUEST)) return;
    const answer = (fields: Partial<MetricsAnswer>) => {
      if (worker.isConnected()) worker.send({ type: ANSWER, id: message.id, ...fields } satisfies MetricsAnswer);
    };
    aggregator.clusterMetrics().then(
      (text) => answer({ text }),
      (err: Error) => answer({ error: err.message }),
    );
  });
}

/** In a worker: the metrics of the whole service, from the primary (rejects when it does not answer in time). */
export function clusterMetricsFromPrimary(timeoutMs = 10_000): () => Promise<string> {
  // Constructed for its side effect in a worker: prom-client then answers the primary's requests for this
  // worker's own metrics.
  new AggregatorRegistry();
  const waiting = new Map<number, (answer: MetricsAnswer) => void>();
  let nextId = 0;
  process.on('message', (message: unknown) => {
    if (isMessage<MetricsAnswer>(message, ANSWER)) waiting.get(message.id)?.(message);
  });
  return () =>
    new Promise<string>((resolve, reject) => {
      const id = nextId++;
      const timer = setTimeout(() => {
        waiting.delete(id);
        reject(new Error(`the primary process did not send the metrics within ${timeoutMs} ms`));
      }, timeoutMs);
      waiting.set(id, (answer) => {
        clearTimeout(timer);
        waiting.delete(id);
        if (answer.text !== undefined) resolve(answer.text);
        else reject(new Error(answer.error ?? 'no metrics'));
      });
      process.send!({ type: REQUEST, id } satisfies MetricsRequest);
    });
}
