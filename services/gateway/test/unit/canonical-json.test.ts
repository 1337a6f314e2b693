import { canonicalJson } from '../../src/entry-points/http/idempotency';

describe('the fingerprint of an Idempotency-Key request', () => {
  it('when bodies differ only in key order, then their canonical JSON is the same; otherwise it differs', () => {
    expect(canonicalJson({ b: [1, { y: 2, x: 'a' }], a: null })).toBe('{"a":null,"b":[1,{"x":"a","y":2}]}');
    expect(canonicalJson({ a: '1' })).not.toBe(canonicalJson({ a: 1 }));
    let deep: unknown = 0;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(canonicalJson(deep)).toHaveLength(200_001);
  });
});
