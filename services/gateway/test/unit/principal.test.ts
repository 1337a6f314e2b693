import { channelsOf, mayUseChannel, orderAccess, partnersOf, type Principal } from '../../src/domain/access/principal';

const ops: Principal = { actor: 'api-key:ops', roles: ['ops', 'channel:webshop'] };
const webshop: Principal = { actor: 'api-key:web', roles: ['channel:webshop', 'channel:outlet'] };
const partner: Principal = { actor: 'api-key:3pl', roles: ['partner:dhl', 'partner:ups'] };

describe('what a key may do', () => {
  it('when a key has the ops role, then it covers every channel; other keys their channel roles only', () => {
    expect(channelsOf(ops)).toBe('all');
    expect(channelsOf(webshop)).toEqual(['webshop', 'outlet']);
    expect(channelsOf(partner)).toEqual([]);
    expect(mayUseChannel(ops, 'marketplace')).toBe(true);
    expect(mayUseChannel(webshop, 'outlet')).toBe(true);
    expect(mayUseChannel(webshop, 'marketplace')).toBe(false);
    expect(mayUseChannel(partner, 'webshop')).toBe(false);
  });

  it('when a key has partner roles, then they name its carriers', () => {
    expect(partnersOf(partner)).toEqual(['dhl', 'ups']);
    expect(partnersOf(webshop)).toEqual([]);
  });

  it('when the order is not read yet, then ops is allowed, a key without channels forbidden, and a channel key must read it', () => {
    expect(orderAccess(ops)).toBe('allowed');
    expect(orderAccess(partner)).toBe('forbidden');
    expect(orderAccess(webshop)).toBe('read');
  });

  it("when the order's channel is known, then a channel key sees its own channels' orders, another channel's is hidden", () => {
    expect(orderAccess(webshop, 'outlet')).toBe('allowed');
    expect(orderAccess(webshop, 'marketplace')).toBe('hidden');
    expect(orderAccess(ops, 'marketplace')).toBe('allowed');
    expect(orderAccess(partner, 'webshop')).toBe('forbidden');
  });
});
