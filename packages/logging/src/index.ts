import pino, { type DestinationStream, type Logger } from 'pino';

export type { Logger };

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

export function createLogger(service: string, level = process.env.LOG_LEVEL ?? 'info', destination?: DestinationStream): Logger {
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
