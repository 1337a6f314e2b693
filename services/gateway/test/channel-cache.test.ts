import type { Connection } from 'mongoose';
import { createLogger } from '@oms/logging';
import { connectMongo } from '@oms/mongo';
import { eventually, expectNothingWithin, TestStack } from '@oms/testing';
import { ChannelRepository, channelRepository, type ChannelInput } from '../src/data-access/channels';

const logger = createLogger('channel-cache-test', process.env.OMS_TEST_LOG_LEVEL ?? 'silent');

const input = (name: string): ChannelInput => ({ name, type: 'web', defaultCurrency: 'EUR', locationPool: [] });

/**
 * Two gateway instances: `here` reads channels through its cache (with a clock the test moves), `elsewhere`
 * writes them, as another instance would.
 */
describe('the gateway instance cache of channel records', () => {
  let stack: TestStack;
  let hereDb: Connection;
  let elsewhereDb: Connection;
  let here: ChannelRepository;
  let elsewhere: ChannelRepository;
  let clock = 0;
  const timing = { freshMs: 2000, staleMs: 30_000, now: () => clock };

  beforeAll(async () => {
    stack = await TestStack.create();
    const url = stack.mongoUrl('gateway');
    hereDb = await connectMongo(url, logger);
    elsewhereDb = await connectMongo(url, logger);
    here = channelRepository(hereDb, timing);
    elsewhere = channelRepository(elsewhereDb);
  });
  afterAll(async () => {
    await hereDb?.close();
    await elsewhereDb?.close();
    await stack?.cleanup();
  });

  it('when another instance changes a channel, then it is seen after freshMs: the first order after that still gets the old record while it is read again', async () => {
    await elsewhere.put('shop-a', input('Old name'));
    expect((await here.get('shop-a'))?.name).toBe('Old name');

    await elsewhere.put('shop-a', input('New name'));
    clock += 1000;
    expect((await here.get('shop-a'))?.name).toBe('Old name'); // still fresh: no query

    clock += 1500; // older than freshMs: answered at once from the old record, read again in the background
    expect((await here.get('shop-a'))?.name).toBe('Old name');
    expect(await eventually(async () => (await here.get('shop-a'))?.name === 'New name')).toBe(true);
  });

  it('when a record is older than freshMs + staleMs, then the request waits for the store', async () => {
    await elsewhere.put('shop-b', input('First'));
    expect((await here.get('shop-b'))?.name).toBe('First');
    await elsewhere.put('shop-b', input('Second'));

    clock += 2000 + 30_000 + 1;
    expect((await here.get('shop-b'))?.name).toBe('Second');
  });

  it('when a channel was unknown, then once created elsewhere it is found after freshMs, with no order refused from the old answer', async () => {
    expect(await here.get('shop-c')).toBeNull();
    await elsewhere.put('shop-c', input('Created elsewhere'));
    clock += 1000;
    expect(await here.get('shop-c')).toBeNull(); // within freshMs, as before

    clock += 1500;
    expect((await here.get('shop-c'))?.name).toBe('Created elsewhere');
  });

  it('when this instance writes a channel while a background read of it is under way, then the answer and later reads show what was written', async () => {
    await here.put('shop-d', input('Before'));
    clock += 2500;
    expect((await here.get('shop-d'))?.name).toBe('Before'); // starts a background read

    const { channel } = await here.put('shop-d', input('After'));
    expect(channel.name).toBe('After');
    // The read begun before the write must not put the old record back into the cache. It is not awaitable
    // from here; a lookup by id takes milliseconds, so half a second is ample for it to have come back. The
    // clock stands still, so each look is answered from the cache, without a query.
    await expectNothingWithin(500, async () => (await here.get('shop-d'))?.name !== 'After', 'the old record back in the cache');
    expect((await here.get('shop-d'))?.name).toBe('After');
  });
});
