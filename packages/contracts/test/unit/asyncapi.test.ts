import { readFileSync } from 'node:fs';
import path from 'node:path';
import { asyncApiJson, buildAsyncApiDocument, commands, events } from '../../src';
import { checkAsyncApi, coverageProblems } from './asyncapi-check';

const COMMITTED = path.resolve(__dirname, '../../../../docs/asyncapi.json');
const allTypes = { events: Object.keys(events), commands: Object.keys(commands) };
const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v));

describe('AsyncAPI document', () => {
  it('when the document is generated, then the official parser finds no error and no warning in it', async () => {
    const check = await checkAsyncApi(buildAsyncApiDocument());
    expect(check.errors).toEqual([]);
    expect(check.warnings).toEqual([]);
    expect(check.document?.version()).toBe('3.0.0');
  });

  it('when the document is parsed, then every event and command has its channel, its message, its sender, and a command its one receiver', async () => {
    const { document } = await checkAsyncApi(buildAsyncApiDocument());
    expect(coverageProblems(document!, allTypes)).toEqual([]);
    expect(
      document!
        .messages()
        .all()
        .map((m) => m.name())
        .sort(),
    ).toEqual([...allTypes.events, ...allTypes.commands].sort());
  });

  it('when a message type is missing from the document, then the coverage check names it', async () => {
    const doc = clone(buildAsyncApiDocument());
    delete doc.channels['stock.reserved.v1'];
    for (const id of Object.keys(doc.operations)) if (id.endsWith('.stock.reserved.v1')) delete doc.operations[id];
    const { errors, document } = await checkAsyncApi(doc);
    expect(errors).toEqual([]);
    expect(coverageProblems(document!, allTypes)).toEqual(['stock.reserved.v1: no channel at its routing key', 'stock.reserved.v1: no send operation']);
  });

  it('when a message is routed, then its channel names the exchange, the routing key and a persistent, confirmed publish', () => {
    const doc = buildAsyncApiDocument() as any;
    expect(doc.channels['stock.reserve.v1'].bindings.amqp).toMatchObject({
      is: 'routingKey',
      exchange: { name: 'oms.commands', type: 'topic', durable: true },
    });
    expect(doc.channels['stock.reserved.v1'].bindings.amqp.exchange.name).toBe('oms.events');
    expect(doc.operations['inventory.send.stock.reserved.v1'].bindings.amqp).toMatchObject({ deliveryMode: 2, mandatory: true });
    expect(doc.operations['ingestion.order-progress.receive.stock.reserved.v1']).toMatchObject({
      action: 'receive',
      'x-oms-dead-letter-queue': 'ingestion.order-progress.dlq',
    });
    // The envelope and the message's own data schema, by reference.
    expect(doc.components.messages['stock.reserved.v1'].payload.allOf[1].properties.data).toEqual({ $ref: '#/components/schemas/stock.reserved.v1' });
    expect(doc.components.schemas.Envelope.required).toEqual(['id', 'type', 'occurredAt', 'producer', 'correlationId', 'causationId', 'data']);
  });

  it('when docs/asyncapi.json is compared with the generator, then it is up to date', () => {
    const committed = readFileSync(COMMITTED, 'utf8');
    expect(committed === asyncApiJson() ? 'up to date' : 'docs/asyncapi.json is stale: run `npm run asyncapi` and commit it').toBe('up to date');
  });

  describe('the same validation, on broken documents', () => {
    it.each([
      ['an AsyncAPI 2 action', (doc: any) => (doc.operations['gateway.send.order.received.v1'].action = 'publish'), /action/],
      [
        'a message reference to nothing',
        (doc: any) => (doc.channels['order.received.v1'].messages['order.received.v1'] = { $ref: '#/components/messages/nope.v1' }),
        /nope\.v1/,
      ],
      [
        'an operation sending a message its channel does not carry',
        (doc: any) => (doc.operations['gateway.send.order.received.v1'].messages = [{ $ref: '#/channels/stock.reserved.v1/messages/stock.reserved.v1' }]),
        /channel/,
      ],
      ['a payload schema of an unknown type', (doc: any) => (doc.components.schemas['stock.low.v1'].type = 'record'), /type/],
      [
        'an AMQP delivery mode that does not exist',
        (doc: any) => (doc.operations['gateway.send.order.received.v1'].bindings.amqp.deliveryMode = 3),
        /deliveryMode|allowed/,
      ],
    ])('when the document has %s, then it is rejected', async (_what, breakIt, mentions) => {
      const doc = clone(buildAsyncApiDocument());
      breakIt(doc);
      const { errors } = await checkAsyncApi(doc);
      expect(errors.length).toBeGreaterThan(0);
      expect(errors.join('\n')).toMatch(mentions);
    });
  });
});
