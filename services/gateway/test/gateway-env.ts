/** The bootstrap ops key the gateway tests start with. */
export const TEST_BOOTSTRAP_KEY = 'test-bootstrap-key-0123456789';

/** Where no service listens: the gateway answers 503 for anything routed there. */
export const NOWHERE = 'http://127.0.0.1:9';

/** Environment for a gateway under test: the bootstrap key and every internal service at NOWHERE unless given. */
export function gatewayEnv(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    OMS_BOOTSTRAP_API_KEY: TEST_BOOTSTRAP_KEY,
    INGESTION_URL: NOWHERE,
    INVENTORY_URL: NOWHERE,
    FULFILLMENT_URL: NOWHERE,
    CARRIER_URL: NOWHERE,
    RETURNS_URL: NOWHERE,
    TASKS_URL: NOWHERE,
    REPORTS_URL: NOWHERE,
    PAYMENT_CHECK_URL: NOWHERE,
    ...overrides,
  };
}
