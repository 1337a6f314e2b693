import { express } from '@oms/http';
import type { GatewayDeps } from './deps';

// Placeholder: filled in by the intake work of issue 3.
export function apiKeysRoutes(_deps: GatewayDeps): express.Router {
  return express.Router();
}
