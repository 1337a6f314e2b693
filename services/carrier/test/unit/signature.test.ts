import { computeSignature, parseSignatureHeader, signatureHeader, verifySignature } from '../../src/domain/signature';

describe('webhook signature (domain)', () => {
  const secret = 'whsec-0123456789abcdef';
  const body = '{"trackingNumber":"SBX123456789012","status":"delivered"}';
  const now = 1_750_000_000;

  it('when the header carries the HMAC of "<t>.<body>", then it is valid', () => {
    expect(verifySignature({ header: signatureHeader(secret, body, now), rawBody: body, secret, nowSeconds: now })).toEqual({ valid: true });
  });

  it('when one of several v1 values matches (secret rotation), then it is valid', () => {
    const header = `t=${now},v1=${computeSignature('old-secret-0123456789', now, body)},v1=${computeSignature(secret, now, body)}`;
    expect(verifySignature({ header, rawBody: body, secret, nowSeconds: now }).valid).toBe(true);
  });

  it('when signed with another secret, then it is invalid', () => {
    expect(verifySignature({ header: signatureHeader('not-the-secret-123', body, now), rawBody: body, secret, nowSeconds: now })).toEqual({
      valid: false,
      reason: 'signature does not match',
    });
  });

  it('when the body differs by one byte, then it is invalid', () => {
    expect(verifySignature({ header: signatureHeader(secret, body, now), rawBody: body + ' ', secret, nowSeconds: now }).valid).toBe(false);
  });

  it('when the timestamp is more than five minutes old or ahead, then it is invalid; at exactly five minutes it is valid', () => {
    const at = (t: number) => verifySignature({ header: signatureHeader(secret, body, t), rawBody: body, secret, nowSeconds: now });
    expect(at(now - 301)).toEqual({ valid: false, reason: 'timestamp outside the tolerance window' });
    expect(at(now + 301).valid).toBe(false);
    expect(at(now - 300).valid).toBe(true);
    expect(at(now + 300).valid).toBe(true);
  });

  it('when the carrier has no secret, then it is invalid', () => {
    expect(verifySignature({ header: signatureHeader(secret, body, now), rawBody: body, secret: undefined, nowSeconds: now })).toEqual({
      valid: false,
      reason: 'no webhook secret is configured for this carrier',
    });
  });

  it.each([
    ['empty', ''],
    ['no timestamp', `v1=${'a'.repeat(64)}`],
    ['no signature', `t=${now}`],
    ['short hex', `t=${now},v1=abcd`],
    ['non-hex', `t=${now},v1=${'z'.repeat(64)}`],
    ['odd-length hex', `t=${now},v1=${'a'.repeat(63)}`],
    ['non-numeric timestamp', `t=soon,v1=${'a'.repeat(64)}`],
    ['two timestamps', `t=${now},t=${now},v1=${'a'.repeat(64)}`],
    ['garbage', 'hello world'],
  ])('when the header is malformed (%s), then it is invalid without throwing', (_name, header) => {
    expect(verifySignature({ header, rawBody: body, secret, nowSeconds: now })).toEqual({ valid: false, reason: 'malformed signature header' });
  });

  it('when the header has spaces and unknown schemes, then it is still parsed', () => {
    expect(parseSignatureHeader(`t=${now}, v0=xyz, v1=${'b'.repeat(64)}`)).toEqual({ timestamp: now, signatures: ['b'.repeat(64)] });
  });
});
