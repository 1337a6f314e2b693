import { createHmac } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import request from 'supertest';
import { eventually, sampleOrder } from '@oms/testing';
import { startCluster, type Cluster } from './cluster';

/** Where the journeys' screenshots are kept (the test artifacts: docs/console.md). */
const SCREENSHOTS = path.resolve(__dirname, '../../../.run/artifacts/console');

/**
 * The console's main journeys in Debian's Chromium (deploy/chromium.sh installs it; OMS_CHROMIUM names it),
 * against a whole cluster: sign in, resolve a red-flagged order, approve a payment review, pack at a
 * location on a tablet. Each journey fails on an error in the browser's console or a request that failed.
 */
describe('the console in a browser', () => {
  let cluster: Cluster;
  let browser: Browser;
  const api = () => request(cluster.gatewayUrl);
  const ops = () => ({ Authorization: `Bearer ${cluster.apiKey}` });
  const channel = 'console-shop';
  const trackingSecret = 'console-test-tracking-secret';
  const location = 'console-wh';

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    cluster = await startCluster();
    browser = await chromium.launch({ executablePath: process.env.OMS_CHROMIUM || '/usr/bin/chromium', args: ['--no-sandbox'] });
    await api().put(`/v1/channels/${channel}`).set(ops()).send({ name: 'Console shop', type: 'web', defaultCurrency: 'EUR' }).expect(201);
    await api().put(`/v1/locations/${location}`).set(ops()).send({ name: 'Console warehouse', type: 'warehouse' }).expect(200);
    await api().post('/v1/inventory/movements').set(ops()).send({ sku: 'CON-LAMP', locationId: location, quantity: 100, type: 'receipt' }).expect(201);
    await api().put('/v1/carriers/sandbox').set(ops()).send({ webhookSecret: trackingSecret }).expect(200);
    await api()
      .put('/v1/users/anna')
      .set(ops())
      .send({ name: 'Anna Admin', roles: ['ops'], password: 'correct horse battery staple' })
      .expect(200);
    await api()
      .put('/v1/users/lars')
      .set(ops())
      .send({ name: 'Lars Lager', roles: [`location:${location}`], password: 'packing all day long', locale: 'de' })
      .expect(200);
  }, 180000);

  afterAll(async () => {
    await browser?.close();
    await cluster?.stop();
  });

  /** A page whose console errors, uncaught errors and failed requests are collected: a journey ends with none. */
  async function openPage(viewport = { width: 1280, height: 900 }): Promise<{ page: Page; context: BrowserContext; problems: string[] }> {
    const context = await browser.newContext({ viewport, locale: 'en-GB' });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('console', (msg) => msg.type() === 'error' && problems.push(`console: ${msg.text()}`));
    page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
    page.on('requestfailed', (req) => {
      // Aborted by the page itself (a reload, a sign-out, the live stream it closes): not a failure of the request.
      // Failures of the server or the network show as other errors (refused, reset, empty) or as 5xx answers.
      if (req.failure()?.errorText === 'net::ERR_ABORTED') return;
      problems.push(`request failed: ${req.method()} ${req.url()} ${req.failure()?.errorText}`);
    });
    page.on('response', (res) => res.status() >= 500 && problems.push(`server error: ${res.status()} ${res.url()}`));
    return { page, context, problems };
  }

  async function signIn(page: Page, username: string, password: string): Promise<void> {
    await page.goto(`${cluster.gatewayUrl}/console`);
    await page.getByLabel('Username').fill(username);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  }

  const place = async (externalId: string, overrides: object = {}) => {
    const body = { ...sampleOrder({ channel, externalId, lines: [{ sku: 'CON-LAMP', quantity: 1, unitPrice: 2500 }] }), ...overrides };
    return (await api().post('/v1/orders').set(ops()).send(body).expect(202)).body.id as string;
  };
  const waitForStatus = (id: string, status: string) =>
    eventually(async () => (await api().get(`/v1/orders/${id}`).set(ops()).expect(200)).body.status === status, 30000);

  it('when ops sign in with the bootstrap key and a user with a password, then each gets the console; signing out ends the session', async () => {
    const { page, context, problems } = await openPage();
    await page.goto(`${cluster.gatewayUrl}/console`);
    await page.getByRole('button', { name: 'Sign in with an ops key instead' }).click();
    await page.getByLabel('Ops key').fill(cluster.apiKey);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByRole('heading', { name: 'Orders' }).waitFor();
    await page.getByText('Nothing found.').waitFor();
    // A new order appears in the list by itself (live updates), without a reload.
    await place('CON-LIVE-1');
    await page.getByRole('link', { name: 'CON-LIVE-1' }).waitFor({ timeout: 15000 });
    await page.waitForLoadState('networkidle'); // no request left in flight at the sign-out
    const cookie = (await context.cookies()).find((c) => c.name === 'oms_session');
    expect(cookie).toMatchObject({ httpOnly: true, secure: true, sameSite: 'Strict' });
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('Username').waitFor();
    // The cookie of the ended session opens nothing any more.
    await api().get('/v1/orders').set('Cookie', `oms_session=${cookie!.value}`).expect(401);

    await signIn(page, 'anna', 'correct horse battery staple');
    await page.getByText('Signed in as Anna Admin').waitFor();
    await page.screenshot({ path: path.join(SCREENSHOTS, '1-signed-in.png'), fullPage: true });
    expect(problems).toEqual([]);
    await context.close();
  });

  it('when an order is flagged red, then ops find it with the red-flag filter and resolve it by completing its task', async () => {
    await api().put('/v1/rules/delivery-overdue').set(ops()).send({ afterHours: 0.0005 }).expect(200);
    const id = await place('CON-RED-1');
    await waitForStatus(id, 'ready_to_fulfill');
    // The fulfillment opens moments after the order is ready.
    const f = await eventually(async () => (await api().get(`/v1/fulfillments?orderId=${id}`).set(ops()).expect(200)).body[0] as { id: string }, 30000);

    const { page, context, problems } = await openPage();
    await signIn(page, 'anna', 'correct horse battery staple');
    const listed = page.getByRole('row', { name: /CON-RED-1/ });
    await listed.waitFor();
    expect(await listed.getByText('Red flag').count()).toBe(0);
    // Shipped, and not delivered in the rule's (shortened) time: the flag appears in the open list by itself.
    await api().post(`/v1/fulfillments/${f.id}/pack`).set(ops()).send({}).expect(200);
    await listed.getByText('Red flag').waitFor({ timeout: 30000 });
    await page.getByLabel('Only red flags').check();
    await page.getByRole('button', { name: 'Apply' }).click();
    const row = page.getByRole('row', { name: /CON-RED-1/ });
    await row.getByText('Red flag').waitFor();
    await page.screenshot({ path: path.join(SCREENSHOTS, '2-red-flags.png'), fullPage: true });
    await row.getByRole('link', { name: 'CON-RED-1' }).click();
    await page.getByRole('heading', { name: /Order CON-RED-1/ }).waitFor();
    const task = page.getByRole('row', { name: /not delivered 14 days after shipping/ });
    await task.getByPlaceholder('What was done').fill('Carrier confirmed delivery to the neighbour');
    await task.getByRole('button', { name: 'Complete' }).click();
    await page.getByText('Carrier confirmed delivery to the neighbour').waitFor();
    await expect(
      page
        .getByRole('heading', { name: /Order CON-RED-1/ })
        .getByText('Red flag')
        .count(),
    ).resolves.toBe(0);
    await page.screenshot({ path: path.join(SCREENSHOTS, '3-red-flag-resolved.png'), fullPage: true });
    expect((await api().get('/v1/red-flags').set(ops()).expect(200)).body.items.map((t: any) => t.orderId)).not.toContain(id);
    expect(problems).toEqual([]);
    await context.close();
  });

  it('when an order waits for a payment review, then ops approve it from the order page and it goes to the warehouse', async () => {
    const base = sampleOrder({ channel, externalId: 'CON-REVIEW-1', lines: [{ sku: 'CON-LAMP', quantity: 1, unitPrice: 2500 }] });
    const id = await place('CON-REVIEW-1', {
      customer: { ...base.customer, email: `kunde-${Date.now()}@mailinator.com` },
      billingAddress: { ...base.shippingAddress, postalCode: '1012 AB', city: 'Amsterdam', country: 'NL' },
    });
    await waitForStatus(id, 'on_hold');

    const { page, context, problems } = await openPage();
    await signIn(page, 'anna', 'correct horse battery staple');
    await page.getByLabel('Search').fill('CON-REVIEW-1');
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.getByRole('link', { name: 'CON-REVIEW-1' }).click();
    await page.getByText('payment review', { exact: false }).first().waitFor();
    await page.screenshot({ path: path.join(SCREENSHOTS, '4-payment-review.png'), fullPage: true });
    await page.getByRole('button', { name: 'Approve payment' }).click();
    await waitForStatus(id, 'ready_to_fulfill');
    await page.reload();
    await page.getByText('ready to fulfill').first().waitFor();
    await page.screenshot({ path: path.join(SCREENSHOTS, '5-payment-approved.png'), fullPage: true });
    expect(problems).toEqual([]);
    await context.close();
  });

  it('when warehouse staff sign in on a tablet, then the console speaks their language, shows their location’s queue, and they pack an order', async () => {
    const id = await place('CON-PACK-1');
    await waitForStatus(id, 'ready_to_fulfill');
    await eventually(async () => (await api().get(`/v1/fulfillments?orderId=${id}`).set(ops()).expect(200)).body.length > 0, 30000);

    const { page, context, problems } = await openPage({ width: 1024, height: 768 });
    await signIn(page, 'lars', 'packing all day long');
    // Lars's language is German: the console switches to it at sign-in.
    await page.getByRole('heading', { name: 'Arbeitsvorrat' }).waitFor();
    const row = page.getByRole('row', { name: new RegExp(id.slice(0, 8)) });
    await row.waitFor();
    await page.screenshot({ path: path.join(SCREENSHOTS, '6-work-queue-tablet.png'), fullPage: true });
    await row.getByRole('button', { name: 'Verpacken' }).click();
    await waitForStatus(id, 'shipped');
    await row.waitFor({ state: 'detached' });
    // Staff of a location work their queue and their tasks: the console offers them no order list or inventory.
    expect(await page.getByRole('navigation').getByRole('link').allTextContents()).toEqual(['Aufgaben', 'Arbeitsvorrat']);
    expect(problems).toEqual([]);
    await context.close();
  });

  /** A parcel's scan as the carrier's signed webhook reports it. */
  const track = (trackingNumber: string, status: string) => {
    const body = JSON.stringify({ trackingNumber, status, occurredAt: new Date().toISOString() });
    const at = Math.floor(Date.now() / 1000);
    const signature = `t=${at},v1=${createHmac('sha256', trackingSecret).update(`${at}.${body}`).digest('hex')}`;
    return api().post('/v1/carriers/sandbox/tracking').set('Content-Type', 'application/json').set('OMS-Signature', signature).send(body).expect(200);
  };

  it('when a delivered order comes back, then ops open the return and receive it from the order page, and the refund follows', async () => {
    const id = await place('CON-RET-1');
    await waitForStatus(id, 'ready_to_fulfill');
    const f = await eventually(async () => (await api().get(`/v1/fulfillments?orderId=${id}`).set(ops()).expect(200)).body[0] as { id: string }, 30000);
    await api().post(`/v1/fulfillments/${f.id}/pack`).set(ops()).send({}).expect(200);
    const shipment = await eventually(
      async () => (await api().get(`/v1/shipments?orderId=${id}`).set(ops()).expect(200)).body[0] as { trackingNumber: string },
      30000,
    );
    await track(shipment.trackingNumber, 'delivered');
    await waitForStatus(id, 'delivered');

    const { page, context, problems } = await openPage();
    await signIn(page, 'anna', 'correct horse battery staple');
    await page.goto(`${cluster.gatewayUrl}/console#/orders/${id}`);
    await page.getByRole('heading', { name: /Order CON-RET-1/ }).waitFor();
    await page.getByLabel('Quantity CON-LAMP (≤ 1)').fill('1');
    await page.getByLabel('Reason').fill('too small');
    await page.getByRole('button', { name: 'Open a return' }).click();
    await page.getByRole('button', { name: 'Receive' }).waitFor({ timeout: 30000 });
    await eventually(async () => (await api().get(`/v1/orders/${id}`).set(ops()).expect(200)).body.returns?.length === 1, 30000);
    // The warehouse finds it among the returns on their way back, and opens its order from there.
    await page.getByRole('navigation').getByRole('link', { name: 'Returns' }).click();
    const returnRow = page.getByRole('row', { name: new RegExp(`${id.slice(0, 8)}.*too small`) });
    await returnRow.waitFor({ timeout: 30000 });
    expect(await returnRow.textContent()).toContain('On the way back');
    await page.screenshot({ path: path.join(SCREENSHOTS, '10-returns-on-the-way.png'), fullPage: true });
    await returnRow.getByRole('link', { name: id.slice(0, 8) }).click();
    await page.getByRole('heading', { name: /Order CON-RET-1/ }).waitFor();
    await page.getByRole('button', { name: 'Receive' }).waitFor({ timeout: 30000 });
    await page.getByLabel('Location').fill(location);
    await page.getByLabel('Condition CON-LAMP').selectOption('resellable');
    await page.screenshot({ path: path.join(SCREENSHOTS, '7-return-to-receive.png'), fullPage: true });
    await page.getByRole('button', { name: 'Receive' }).click();
    await waitForStatus(id, 'returned');
    await eventually(async () => (await api().get(`/v1/orders/${id}`).set(ops()).expect(200)).body.totals.refunded === 2500, 30000);
    await page.reload();
    await page.getByText('Refunded €25.00').waitFor();
    await page.screenshot({ path: path.join(SCREENSHOTS, '8-return-refunded.png'), fullPage: true });
    expect(problems).toEqual([]);
    await context.close();
  });

  it('when ops read the sales report, then it shows this shop’s orders in a chart and a table, by channel and by payment method, and exports CSV', async () => {
    const { page, context, problems } = await openPage();
    await signIn(page, 'anna', 'correct horse battery staple');
    await page.getByRole('link', { name: 'Reports' }).click();
    await page.getByRole('heading', { name: 'Reports' }).waitFor();
    await page.getByLabel('Interval').selectOption('total');
    const row = page.getByRole('row', { name: new RegExp(channel) });
    await row.waitFor({ timeout: 30000 });
    // Every order this file placed was received today: all count in today's sales of the shop.
    const placed = (await api().get(`/v1/orders?channel=${channel}&limit=200`).set(ops()).expect(200)).body.items.length;
    expect(await row.textContent()).toContain(`${channel}${placed}`);
    await expect(page.getByRole('img', { name: 'Chart' }).locator('rect').count()).resolves.toBeGreaterThan(0);
    await page.screenshot({ path: path.join(SCREENSHOTS, '9-report-sales.png'), fullPage: true });
    await page.getByLabel('Group by').selectOption('paymentMethod');
    await page.getByRole('row', { name: /card/ }).waitFor();
    const csvHref = await page.getByRole('link', { name: 'Download CSV' }).getAttribute('href');
    expect(csvHref).toContain('format=csv');
    const csv = await page.evaluate((href) => fetch(href!).then(async (r) => ({ type: r.headers.get('content-type'), text: await r.text() })), csvHref);
    expect(csv.type).toMatch(/text\/csv/);
    expect(csv.text.split('\r\n')[0]).toBe('period,paymentMethod,orders,currency,currency_orders,amount_minor');
    expect(problems).toEqual([]);
    await context.close();
  });
});
