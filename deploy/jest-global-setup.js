// The component and e2e tests need the stack (RabbitMQ, Redis, FerretDB); `npm test` starts it before jest. Fail fast if it is
// not there. The unit tests have no globalSetup (jest.config.js): they need none of it. The addresses are those the tests use,
// and the spare vhosts those they take: both from @oms/testing's build (npm run build; npm test builds first).
const net = require('node:net');
const { TEST_AMQP_BASE, TEST_MONGO_BASE, TEST_REDIS_URL } = require('../packages/testing/dist/addresses');
const { newRunId, removeSpareVhosts } = require('../packages/testing/dist/vhosts');

function reachable(host, port) {
  return new Promise((resolve) => {
    const s = net.connect({ host, port }, () => {
      s.end();
      resolve(true);
    });
    s.on('error', () => resolve(false));
  });
}
const address = (url, defaultPort) => {
  const u = new URL(url);
  return { host: u.hostname || '127.0.0.1', port: Number(u.port || defaultPort) };
};
module.exports = async () => {
  const servers = [
    ['RabbitMQ', address(TEST_AMQP_BASE, 5672)],
    ['Redis', address(TEST_REDIS_URL, 6379)],
    ['MongoDB/FerretDB', address(TEST_MONGO_BASE, 27017)],
  ];
  for (const [name, { host, port }] of servers) {
    if (!(await reachable(host, port))) throw new Error(`${name} is not reachable on ${host}:${port}: run "bash deploy/stack.sh" (npm test does)`);
  }
  // The run's id names the spare vhosts its workers make (packages/testing/src/vhosts.ts); the workers inherit
  // it. Component and e2e each call this setup: the first call sets it, after removing a killed run's spares.
  if (!process.env.OMS_TEST_RUN_ID) {
    await removeSpareVhosts();
    process.env.OMS_TEST_RUN_ID = newRunId();
  }
};
