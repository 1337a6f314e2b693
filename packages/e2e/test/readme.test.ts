import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startCluster, type Cluster } from './cluster';

const run = promisify(execFile);

/** The README's walk-through is run as written (its bash blocks, in order) against a fresh cluster. */
describe('README walk-through', () => {
  let cluster: Cluster;
  let dir: string;
  beforeAll(async () => {
    cluster = await startCluster();
    dir = mkdtempSync(join(tmpdir(), 'oms-readme-'));
  }, 120000);
  afterAll(async () => {
    await cluster?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('when a new user follows the walk-through, then every command works and shows what the README says', async () => {
    const readme = readFileSync(join(__dirname, '../../../README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## Walk-through'), readme.indexOf('## Layout'));
    const blocks = [...section.matchAll(/```bash\n([\s\S]*?)```/g)].map((m) => m[1]);
    expect(blocks.length).toBeGreaterThanOrEqual(6);
    const script = ['set -euo pipefail', ...blocks].join('\n');
    const { stdout } = await run('bash', ['-c', script], {
      cwd: dir,
      env: { ...process.env, OMS_URL: cluster.gatewayUrl, OMS_KEY: cluster.apiKey },
      timeout: 90000,
    });
    const lines = stdout.split('\n');
    for (const status of ['ready_to_fulfill', 'packed', 'shipped', 'delivered', 'returned', 'on_hold', 'stock_short', 'cancelled'])
      expect(lines).toContain(status);
    expect(stdout).toContain('label saved to label.pdf');
    expect(readFileSync(join(dir, 'label.pdf')).subarray(0, 5).toString()).toBe('%PDF-');
    expect(stdout).toMatch(/refunded\s+refund of 19\.99 EUR/);
    expect(lines).toContain('9');
    expect(stdout).toContain('"status": 422');
  }, 120000);
});
