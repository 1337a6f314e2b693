/** Where the tests find the stack; jest's global setup (deploy/jest-global-setup.js) checks the same ones. */
export const TEST_AMQP_BASE = process.env.OMS_TEST_AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
export const TEST_MONGO_BASE = process.env.OMS_TEST_MONGO_URL ?? 'mongodb://127.0.0.1:27017';
/** The project's Redis that deploy/stack.sh starts (docs/redis.md), not the machine's on 6379. */
export const TEST_REDIS_URL = process.env.OMS_TEST_REDIS_URL ?? `redis://127.0.0.1:${process.env.OMS_REDIS_PORT ?? 6380}`;
