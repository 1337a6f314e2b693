const amqp = require('amqplib'); const { execSync } = require('child_process');
(async () => {
  const vhost = 'qtest-dl'; execSync(`rabbitmqctl -q add_vhost ${vhost} && rabbitmqctl -q set_permissions -p ${vhost} guest '.*' '.*' '.*'`);
  const c = await amqp.connect('amqp://guest:guest@127.0.0.1:5672/' + vhost); const ch = await c.createChannel();
  try { await ch.assertQueue('x.dlq', { durable: true, arguments: { 'x-queue-type': 'quorum', 'x-delivery-limit': -1 } }); console.log('-1 accepted');
    await ch.sendToQueue('x.dlq', Buffer.from('m'), { persistent: true });
    for (let i = 0; i < 25; i++) { const m = await (async () => { for (;;) { const m = await ch.get('x.dlq'); if (m) return m; await new Promise(r => setTimeout(r, 20)); } })(); ch.nack(m, false, true); }
    await new Promise(r => setTimeout(r, 300));
    console.log('after 25 requeues', (await ch.checkQueue('x.dlq')).messageCount);
  } catch (e) { console.log('ERR', e.message); }
  await c.close().catch(()=>{}); execSync(`rabbitmqctl -q delete_vhost ${vhost}`);
})();
