import { createLogger } from '@oms/logging';
import { LogScanner } from '../log-scan';

describe('the log scanner of the e2e suites', () => {
  it('when a logger writes a watched value or anything of the form of a credential, then it is found; redacted fields are not', () => {
    const logs = new LogScanner();
    logs.watch('a webhook secret', 'whsec_0123456789abcdef');
    const logger = createLogger('scan-test', 'info', logs);
    logger.info({ webhookSecret: 'whsec_0123456789abcdef', apiKey: 'oms_redacted_0123456789abcdefghij' }, 'redacted by @oms/logging');
    expect(logs.findings).toEqual([]);
    logger.info({ note: 'whsec_0123456789abcdef' }, 'a secret in a field nobody redacts');
    logger.info({ auth: 'Bearer oms_0123456789abcdefghijklmnopqrstuvwxyz' }, 'a key');
    logger.info({ sig: `t=1,v1=${'ab'.repeat(32)}` }, 'a signature');
    expect(logs.findings.map((f) => f.split(' in: ')[0])).toEqual(['a webhook secret', 'an API key', 'a bearer credential', 'an OMS-Signature HMAC']);
    expect(logs.lines).toBe(4);
  });
});
