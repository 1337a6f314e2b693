import { createHmac } from 'node:crypto';
import { verifySignature } from '../../../carrier/src/domain/signature';
import { signWebhook } from '../../src/domain/webhooks/signature';

const SECRET = 'whsec_test_secret_0123456789abcdef';
const body = '{"id":"e-1","type":"notification.shipped.v1","occurredAt":"2026-01-01T10:00:00.000Z","data":{"orderId":"o-1"}}';

describe('the signature of outgoing webhooks', () => {
  it('when a delivery is signed, then the header is t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body">', () => {
    const header = signWebhook(SECRET, body, 1767261600);
    expect(header).toBe(`t=1767261600,v1=${createHmac('sha256', SECRET).update(`1767261600.${body}`).digest('hex')}`);
    expect(header).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
  });

  it('when the header is checked by the verifier of our inbound webhooks, then it is valid for that body and secret only', () => {
    const header = signWebhook(SECRET, body);
    expect(verifySignature({ header, rawBody: body, secret: SECRET })).toEqual({ valid: true });
    expect(verifySignature({ header, rawBody: body.replace('o-1', 'o-2'), secret: SECRET }).valid).toBe(false);
    expect(verifySignature({ header, rawBody: body, secret: `${SECRET}x` }).valid).toBe(false);
  });

  it('when a signature is older than the receiver’s window, then the same verifier refuses it', () => {
    const stale = signWebhook(SECRET, body, Math.floor(Date.now() / 1000) - 10 * 60);
    expect(verifySignature({ header: stale, rawBody: body, secret: SECRET })).toEqual({ valid: false, reason: expect.stringMatching(/timestamp/) });
  });
});
