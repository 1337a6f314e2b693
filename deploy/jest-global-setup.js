// The component and e2e tests need the stack (RabbitMQ, Redis, FerretDB); `npm test` starts it before jest. Fail fast if it is
// not there. The unit tests have no globalSetup (jest.config.js): they need none of it. The addresses are those the tests use
// (@oms/testing reads the same variables).
const net = require('node:net');
const { newRunId, removeSpareVhosts } = require('./jest-spare-vhosts');
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
    ['RabbitMQ', address(process.env.OMS_TEST_AMQP_URL || 'amqp://127.0.0.1:5672', 5672)],
    // The project's own Redis that deploy/stack.sh starts (docs/redis.md), not the machine's on 6379.
    ['Redis', address(process.env.OMS_TEST_REDIS_URL || `redis://127.0.0.1:${process.env.OMS_REDIS_PORT || 6380}`, 6379)],
    ['MongoDB/FerretDB', address(process.env.OMS_TEST_MONGO_URL || 'mongodb://127.0.0.1:27017', 27017)],
  ];
  for (const [name, { host, port }] of servers) {
    if (!(await reachable(host, port))) throw new Error(`${name} is not reachable on ${host}:${port}: run "bash deploy/stack.sh" (npm test does)`);
  }
  // The run's id names the spare vhosts its workers make (jest-spare-vhosts.js); the workers inherit it.
  // Component and e2e each call this setup: the first call sets it.
  if (!process.env.OMS_TEST_RUN_ID) {
    await removeSpareVhosts();
    process.env.OMS_TEST_RUN_ID = newRunId();
  }
};
