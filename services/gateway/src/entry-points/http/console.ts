import fs from 'node:fs';
import path from 'node:path';
import { AppError } from '@oms/errors';
import { express, type RequestHandler } from '@oms/http';

/**
 * The console's own pages and scripts only: no inline script, no other origin, not framed by another site.
 * The session cookie is SameSite=Strict and every change carries the CSRF token (auth.ts).
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'self'",
].join('; ');

const securityHeaders: RequestHandler = (_req, res, next) => {
  res.setHeader('Content-Security-Policy', CONTENT_SECURITY_POLICY);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'same-origin');
  // Not hashed file names: the browser asks again each time (an ETag answers 304 when nothing changed).
  res.setHeader('Cache-Control', 'no-cache');
  next();
};

/** Where `npm run build` (packages/console/build.mjs) puts the console: served at /console. */
export function consoleDirectory(): string {
  return path.dirname(require.resolve('@oms/console/dist/index.html'));
}

/**
 * The web console at /console (docs/console.md): its files, and index.html for every other path under it
 * (the app routes in the browser). It calls the same /v1 API with its session cookie.
 */
export function consoleRoutes(directory: string | undefined): express.Router {
  const router = express.Router();
  if (!directory || !fs.existsSync(path.join(directory, 'index.html'))) {
    router.use('/console', () => {
      throw new AppError(503, 'Service Unavailable', 'The console is not built: run npm run build (deploy/setup.sh does)');
    });
    return router;
  }
  const index = path.join(directory, 'index.html');
  router.use('/console', securityHeaders, express.static(directory, { index: false, redirect: false }));
  router.get(['/console', '/console/{*path}'], securityHeaders, (_req, res) => res.sendFile(index));
  return router;
}
