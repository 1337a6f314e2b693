import { pingWithFreshClient, watchClient } from '@oms/mongo';
import { TestStack, eventually, expectNothingWithin, freePort } from '@oms/testing';

/**
 * The process's own client is the stand-in (`connected`); the database and the fresh client that checks it
 * are real: the store of the test stack, or a port where nothing listens.
 */
describe('the database client watchdog', () => {
  let stack: TestStack;
  let liveUrl: string;
  let downUrl: string;
  beforeAll(async () => {
    stack = await TestStack.create();
    liveUrl = stack.mongoUrl('watchdog');
    // A port nothing listens on: the database is down.
    downUrl = `mongodb://127.0.0.1:${await freePort()}/down`;
  });
  afterAll(async () => stack.cleanup());

  it('when a fresh client is asked about a running database and about a port where none listens, then it answers true and false', async () => {
    expect(await pingWithFreshClient(liveUrl)).toBe(true);
    expect(await pingWithFreshClient(downUrl, 500)).toBe(false);
  });

  it('when the client stays disconnected while the database answers a fresh client, then the watchdog reports it once, after the grace time', async () => {
    const reports: number[] = [];
    const started = Date.now();
    const watchdog = watchClient({
      isConnected: () => false,
      probe: () => pingWithFreshClient(liveUrl),
      onStuck: (ms) => reports.push(ms),
      stuckAfterMs: 300,
      checkEveryMs: 50,
    });
    try {
      await eventually(() => reports.length === 1, 5000);
      expect(Date.now() - started).toBeGreaterThanOrEqual(300);
      expect(reports[0]).toBeGreaterThanOrEqual(300);
      // Once: a second report has no event to wait for; watched for eight checks (checkEveryMs 50) after the first.
      await expectNothingWithin(400, () => reports.length > 1, 'a second report of the same stuck client');
      expect(reports).toHaveLength(1);
    } finally {
      watchdog.stop();
    }
  });

  it('when the database itself is down, then the watchdog waits for it and reports nothing', async () => {
    const reports: number[] = [];
    let probes = 0;
    const probe = async () => (probes++, pingWithFreshClient(downUrl, 200));
    const watchdog = watchClient({ isConnected: () => false, probe, onStuck: (ms) => reports.push(ms), stuckAfterMs: 100, checkEveryMs: 50 });
    try {
      await eventually(() => probes >= 3, 5000);
      expect(reports).toEqual([]);
    } finally {
      watchdog.stop();
    }
  });

  it('when the client reconnects within the grace time, then nothing is reported, and the grace time starts again at the next disconnect', async () => {
    const reports: number[] = [];
    let connected = false;
    const watchdog = watchClient({
      isConnected: () => connected,
      probe: () => pingWithFreshClient(liveUrl),
      onStuck: (ms) => reports.push(ms),
      stuckAfterMs: 400,
      checkEveryMs: 50,
    });
    try {
      // Timing is what is tested here: the scenario is made of durations against the 400 ms grace time.
      await new Promise((r) => setTimeout(r, 250)); // disconnected, within the grace time
      connected = true;
      await new Promise((r) => setTimeout(r, 150)); // reconnected for three checks
      connected = false;
      // 250 ms disconnected before plus 300 now would pass 400 if the first disconnect still counted: nothing is reported meanwhile.
      await expectNothingWithin(300, () => reports.length > 0, 'a report counting the earlier disconnect');
      expect(reports).toEqual([]);
      await eventually(() => reports.length === 1, 5000);
    } finally {
      watchdog.stop();
    }
  });
});
