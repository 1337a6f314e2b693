import { randomInt, randomUUID } from 'node:crypto';
import express, { type Express, type Request, type Response } from 'express';

/** What the fake carrier answers for a booked shipment. */
export interface SandboxShipment {
  shipmentId: string;
  trackingNumber: string;
  service: string;
  reference: string;
}

export interface CarrierSandboxControl {
  /** Answer the next `n` booking calls with 503 (before looking at the body or the key). */
  failNext(n: number): void;
  /** Wait this long before answering every call (exercises client timeouts). */
  delayMs: number;
  /** Every POST /v1/shipments, split by outcome. */
  calls: { total: number; created: number; replayed: number; failed: number; rejected: number };
  /** Idempotency keys seen, in order (one per created shipment). */
  idempotencyKeys: string[];
  shipments: SandboxShipment[];
  /** Bookings voided (DELETE /v1/shipments/{id}), by the carrier's shipment id. */
  voided: string[];
  /** A scan the carrier reports when it is asked for the parcel's events (GET /v1/shipments/{id}/events). */
  scan(trackingNumber: string, status: string, occurredAt?: string, location?: string): void;
  reset(): void;
}

/** A scan as the sandbox's tracking API answers it. */
export interface SandboxScan {
  status: string;
  occurredAt: string;
  location?: string;
}

const ADDRESS_FIELDS = ['name', 'line1', 'postalCode', 'city', 'country'] as const;

/** Field problems of a booking body, as a carrier would list them; empty when it is fine. */
function bodyProblems(body: unknown): string[] {
  const problems: string[] = [];
  const b = (body ?? {}) as Record<string, unknown>;
  if (typeof b !== 'object' || Array.isArray(b)) return ['body must be a JSON object'];
  if (typeof b.reference !== 'string' || !b.reference) problems.push('reference is required');
  if (typeof b.service !== 'string' || !b.service) problems.push('service is required');
  const shipTo = b.shipTo as Record<string, unknown> | undefined;
  if (!shipTo || typeof shipTo !== 'object') problems.push('shipTo is required');
  else for (const f of ADDRESS_FIELDS) if (typeof shipTo[f] !== 'string' || !shipTo[f]) problems.push(`shipTo.${f} is required`);
  if (!Array.isArray(b.parcels) || b.parcels.length === 0) problems.push('parcels must be a non-empty array');
  else
    b.parcels.forEach((p: unknown, i: number) => {
      const w = (p as { weightGrams?: unknown } | null)?.weightGrams;
      if (typeof w !== 'number' || !Number.isInteger(w) || w <= 0) problems.push(`parcels.${i}.weightGrams must be a positive integer`);
    });
  return problems;
}

const trackingNumber = () => 'SBX' + Array.from({ length: 12 }, () => randomInt(10)).join('');

/**
 * A stand-in for a parcel carrier's JSON API. Booking is idempotent on the `Idempotency-Key` header, like
 * the real thing: a retry with the same key gets the first answer back, not a second shipment.
 */
export function createCarrierSandbox(): { app: Express; control: CarrierSandboxControl } {
  let failures = 0;
  const byKey = new Map<string, SandboxShipment>();
  const scans = new Map<string, SandboxScan[]>();
  const control: CarrierSandboxControl = {
    failNext: (n) => void (failures = n),
    delayMs: 0,
    calls: { total: 0, created: 0, replayed: 0, failed: 0, rejected: 0 },
    idempotencyKeys: [],
    shipments: [],
    voided: [],
    scan(trackingNumber, status, occurredAt = new Date().toISOString(), location) {
      scans.set(trackingNumber, [...(scans.get(trackingNumber) ?? []), { status, occurredAt, ...(location ? { location } : {}) }]);
    },
    reset() {
      failures = 0;
      byKey.clear();
      scans.clear();
      this.delayMs = 0;
      this.calls = { total: 0, created: 0, replayed: 0, failed: 0, rejected: 0 };
      this.idempotencyKeys = [];
      this.shipments = [];
      this.voided = [];
    },
  };

  const app = express();
  app.use(express.json());
  app.post('/v1/shipments', async (req: Request, res: Response) => {
    control.calls.total++;
    if (control.delayMs > 0) await new Promise((r) => setTimeout(r, control.delayMs));
    if (failures > 0) {
      failures--;
      control.calls.failed++;
      res.status(503).json({ error: 'service_unavailable', message: 'carrier is temporarily unavailable' });
      return;
    }
    const problems = bodyProblems(req.body);
    if (problems.length > 0) {
      control.calls.rejected++;
      res.status(400).json({ error: 'invalid_request', problems });
      return;
    }
    const key = req.get('idempotency-key');
    const previous = key ? byKey.get(key) : undefined;
    if (previous) {
      control.calls.replayed++;
      res.status(201).json({ shipmentId: previous.shipmentId, trackingNumber: previous.trackingNumber, service: previous.service });
      return;
    }
    const shipment: SandboxShipment = {
      shipmentId: `sbx_${randomUUID()}`,
      trackingNumber: trackingNumber(),
      service: req.body.service,
      reference: req.body.reference,
    };
    if (key) {
      byKey.set(key, shipment);
      control.idempotencyKeys.push(key);
    }
    control.shipments.push(shipment);
    control.calls.created++;
    res.status(201).json({ shipmentId: shipment.shipmentId, trackingNumber: shipment.trackingNumber, service: shipment.service });
  });
  // Void a booking (a label not used): 204, also for one voided before; 404 for one never booked.
  app.delete('/v1/shipments/:id', (req: Request<{ id: string }>, res: Response) => {
    const shipment = control.shipments.find((s) => s.shipmentId === req.params.id);
    if (!shipment) return void res.status(404).json({ error: 'not_found' });
    if (!control.voided.includes(shipment.shipmentId)) control.voided.push(shipment.shipmentId);
    res.status(204).end();
  });
  // The parcel's scans so far, oldest first (the polling side of tracking).
  app.get('/v1/shipments/:id/events', (req: Request<{ id: string }>, res: Response) => {
    const shipment = control.shipments.find((s) => s.shipmentId === req.params.id);
    if (!shipment) return void res.status(404).json({ error: 'not_found' });
    res.json({ trackingNumber: shipment.trackingNumber, events: scans.get(shipment.trackingNumber) ?? [] });
  });
  // A malformed JSON body is a 400 as well, in the carrier's own error shape.
  app.use((err: { status?: number }, _req: Request, res: Response, _next: express.NextFunction) => {
    control.calls.rejected++;
    res.status(err.status && err.status < 500 ? err.status : 400).json({ error: 'invalid_request', problems: ['body is not valid JSON'] });
  });
  return { app, control };
}
