import pino, { type DestinationStream, type Logger } from 'pino';

export type { DestinationStream, Logger };

/** Fields never written to a log in clear (API keys, secrets, signatures, auth headers). */
const REDACT = [
  'req.headers.authorization',
  'req.headers["x-api-key"]',
  'req.headers["oms-signature"]',
  'req.headers["x-shopify-hmac-sha256"]',
  'headers.authorization',
  '*.apiKey',
  '*.webhookSecret',
  '*.secret',
  '*.password',
  'apiKey',
  'webhookSecret',
  'secret',
];

let defaultDestination: DestinationStream | undefined;

/**
 * Where loggers created from now on write when they are given no destination (stdout when unset). For a
 * process that runs several services and reads their logs itself: the end-to-end tests check that no secret
 * is ever written to a log.
 */
export function setDefaultLogDestination(destination: DestinationStream | undefined): void {
  defaultDestination = destination;
}

export function createLogger(
  service: string,
  level = process.env.LOG_LEVEL ?? 'info',
  destination: DestinationStream | undefined = defaultDestination,
): Logger {
  return pino(
    {
      name: service,
      level,
      base: { service },
      redact: { paths: REDACT, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
}
