import { Writable } from 'node:stream';
import { createLogger } from '@oms/logging';

describe('logging', () => {
  it('when a log line carries secrets, then they are redacted and the correlation ids are kept', () => {
    const lines: string[] = [];
    const sink = new Writable({ write: (chunk, _enc, done) => (lines.push(String(chunk)), done()) });
    const logger = createLogger('test', 'info', sink).child({ correlationId: 'order-1', messageId: 'm-1' });
    logger.info({ req: { headers: { authorization: 'Bearer sk_live_123' } }, carrier: { webhookSecret: 'shh' }, apiKey: 'oms_abc' }, 'hello');
    const line = JSON.parse(lines[lines.length - 1]);
    expect(line).toMatchObject({ correlationId: 'order-1', messageId: 'm-1', service: 'test', msg: 'hello' });
    expect(JSON.stringify(line)).not.toMatch(/sk_live_123|shh|oms_abc/);
    expect(line.req.headers.authorization).toBe('[redacted]');
  });
});
