import { createHmac } from 'node:crypto';
import { shopifySignatureValid } from '../../src/domain/channels/shopify-signature';

const SECRET = 'shpss_test_secret_0123456789';
const sign = (body: Buffer, secret = SECRET) => createHmac('sha256', secret).update(body).digest('base64');

describe("Shopify's webhook signature", () => {
  const body = Buffer.from('{"id":1,  "total_price":"19.99"}');

  it('when the header is the HMAC of the exact bytes with the channel secret, then it is valid (surrounding spaces aside)', () => {
    expect(shopifySignatureValid(body, SECRET, sign(body))).toBe(true);
    expect(shopifySignatureValid(body, SECRET, ` ${sign(body)} `)).toBe(true);
  });

  it('when the header is missing, made with another secret, of other bytes or not base64 of a digest, then it is not valid', () => {
    expect(shopifySignatureValid(body, SECRET, undefined)).toBe(false);
    expect(shopifySignatureValid(body, SECRET, sign(body, 'another-secret-0123456789'))).toBe(false);
    expect(shopifySignatureValid(body, SECRET, sign(Buffer.from('{"id":1,"total_price":"19.99"}')))).toBe(false);
    expect(shopifySignatureValid(body, SECRET, 'short')).toBe(false);
  });
});
