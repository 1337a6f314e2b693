import { checkAddress, checkWebhookUrl } from '../../src/domain/webhooks/url-policy';

const strict = { allowHttp: false, allowPrivateNetworks: false };
const dev = { allowHttp: true, allowPrivateNetworks: true };

describe('where webhooks may go (SSRF)', () => {
  it.each([
    ['8.8.8.8', 'public IPv4'],
    ['172.32.0.1', 'just outside 172.16/12'],
    ['100.128.0.1', 'just outside 100.64/10'],
    ['2001:4860:4860::8888', 'public IPv6'],
    ['::ffff:8.8.8.8', 'IPv4-mapped public'],
  ])('when the address is %s (%s), then it is allowed', (address) => {
    expect(checkAddress(address, strict)).toEqual({ allowed: true });
  });

  it.each([
    ['10.0.0.1', 'private'],
    ['172.16.5.4', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['127.0.0.1', 'loopback'],
    ['127.255.0.9', 'loopback'],
    ['169.254.169.254', 'link-local'],
    ['0.0.0.0', 'unspecified'],
    ['224.0.0.1', 'multicast'],
    ['255.255.255.255', 'broadcast'],
    ['100.64.0.1', 'shared (carrier-grade NAT)'],
    ['100.127.255.254', 'shared (carrier-grade NAT)'],
    ['::1', 'loopback'],
    ['::', 'unspecified'],
    ['fe80::1', 'link-local'],
    ['fc00::1', 'private (unique local)'],
    ['fdff:ffff::1', 'private (unique local)'],
    ['ff02::1', 'multicast'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['::ffff:10.1.2.3', 'private'],
    ['::ffff:169.254.169.254', 'link-local'],
    ['::ffff:100.64.0.1', 'shared (carrier-grade NAT)'],
    ['64:ff9b::7f00:1', 'special-purpose (rfc6052)'],
    ['2002:7f00:1::', 'special-purpose (6to4)'],
    ['2001:db8::1', 'reserved'],
  ])('when the address is %s, then it is refused as %s', (address, kind) => {
    expect(checkAddress(address, strict)).toEqual({ allowed: false, reason: expect.stringContaining(`is a ${kind} address`) });
  });

  it('when private networks are allowed (development), then private, loopback and link-local pass, but never unspecified or multicast', () => {
    for (const address of ['127.0.0.1', '10.0.0.1', '::1', 'fd00::1', '169.254.1.1', '100.64.0.1', '::ffff:127.0.0.1'])
      expect(checkAddress(address, dev)).toEqual({ allowed: true });
    for (const address of ['0.0.0.0', '::', '224.0.0.1', 'ff02::1', '255.255.255.255']) expect(checkAddress(address, dev).allowed).toBe(false);
  });

  describe('the URL', () => {
    it('when it is https to a public host, then it is accepted as it is', () => {
      expect(checkWebhookUrl('https://shop.example.com/hooks/oms?x=1', strict)).toMatchObject({ ok: true });
      expect(checkWebhookUrl('https://8.8.8.8:8443/hooks', strict)).toMatchObject({ ok: true, ipLiteral: '8.8.8.8' });
    });

    it.each([
      ['http://shop.example.com/hooks', 'must be an https URL'],
      ['ftp://shop.example.com/hooks', 'must be an https URL'],
      ['/relative/path', 'must be an absolute URL'],
      ['not a url', 'must be an absolute URL'],
      ['https://user:pass@shop.example.com/', 'must not contain credentials'],
      ['https://shop.example.com/#frag', 'must not contain a fragment'],
      ['https://127.0.0.1/hooks', 'loopback'],
      ['https://localhost:8443/hooks', 'loopback'],
      ['https://api.localhost/hooks', 'loopback'],
      ['https://localhost./hooks', 'loopback'],
      ['https://[::1]/hooks', 'loopback'],
      ['https://[::ffff:7f00:1]/hooks', 'loopback'],
      ['https://[fe80::1]/hooks', 'link-local'],
      ['https://169.254.169.254/latest/meta-data', 'link-local'],
      ['https://10.0.0.5/hooks', 'private'],
      ['https://0177.0.0.1/hooks', 'loopback'],
      ['https://2130706433/hooks', 'loopback'],
      ['https://0x7f.1/hooks', 'loopback'],
      ['https://0.0.0.0/hooks', 'unspecified'],
      [`https://shop.example.com/${'a'.repeat(2000)}`, 'at most 2000'],
    ])('when it is %s, then it is refused: %s', (url, message) => {
      expect(checkWebhookUrl(url, strict)).toEqual({ ok: false, message: expect.stringContaining(message) });
    });

    it('when http and private networks are allowed (development), then a receiver on 127.0.0.1 over http is accepted', () => {
      expect(checkWebhookUrl('http://127.0.0.1:4567/hook', dev)).toMatchObject({ ok: true, ipLiteral: '127.0.0.1' });
      expect(checkWebhookUrl('http://localhost:4567/hook', dev)).toMatchObject({ ok: true });
      expect(checkWebhookUrl('http://127.0.0.1:4567/hook', { allowHttp: true, allowPrivateNetworks: false })).toMatchObject({ ok: false });
    });
  });
});
