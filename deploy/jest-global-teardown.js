// After the run: remove the spare vhosts its workers made and did not use (jest-spare-vhosts.js).
// Component and e2e each call this; the second finds none left.
const Redis = require('ioredis');
const { removeSpareVhosts } = require('./jest-spare-vhosts');

module.exports = async () => {
  const runId = process.env.OMS_TEST_RUN_ID;
  if (!runId) return;
  await removeSpareVhosts(runId);
  // The list the workers took spares from (packages/testing/src/vhosts.ts); the same Redis as the tests'.
  const redis = new Redis(process.env.OMS_TEST_REDIS_URL || `redis://127.0.0.1:${process.env.OMS_REDIS_PORT || 6380}`);
  await redis.del(`oms-test:spare-vhosts:${runId}`).finally(() => redis.disconnect());
};
