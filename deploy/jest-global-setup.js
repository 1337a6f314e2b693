// Tests need the stack (RabbitMQ, Redis, FerretDB); `npm test` starts it before jest. Fail fast if it is not there.
const net = require('node:net');
function reachable(port) {
  return new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port }, () => { s.end(); resolve(true); });
    s.on('error', () => resolve(false));
  });
}
module.exports = async () => {
  const mongoPort = Number(new URL(process.env.OMS_TEST_MONGO_URL || 'mongodb://127.0.0.1:27017').port || 27017);
  for (const [name, port] of [['RabbitMQ', 5672], ['Redis', 6379], ['MongoDB/FerretDB', mongoPort]]) {
    if (!(await reachable(port))) throw new Error(`${name} is not reachable on 127.0.0.1:${port}: run "bash deploy/stack.sh" (npm test does)`);
  }
};
