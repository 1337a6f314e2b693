import { Histogram } from 'prom-client';
import type { Milestone } from '../domain/milestones';

/**
 * End-to-end latency of the order pipeline: from the gateway's acceptance (receivedAt of order.received.v1,
 * kept as the order's createdAt) to each milestone, as ingestion stores it. Buckets reach from the
 * sub-second automatic steps (reserved, ready to fulfill) to the days a parcel takes.
 */
const milestoneSeconds = new Histogram({
  name: 'oms_order_milestone_seconds',
  help: "Seconds from the order's acceptance at the gateway to each milestone of its life (stored by ingestion)",
  labelNames: ['milestone'],
  buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600, 14_400, 86_400, 259_200, 604_800],
});

export function observeMilestones(acceptedAt: string, milestones: Milestone[], now = Date.now()): void {
  if (milestones.length === 0) return;
  // The gateway's clock, read on another machine: a little skew must not make a negative duration.
  const seconds = Math.max(0, (now - Date.parse(acceptedAt)) / 1000);
  if (!Number.isFinite(seconds)) return;
  for (const milestone of milestones) milestoneSeconds.observe({ milestone }, seconds);
}
