import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { PRODUCERS, QUEUE_DEFINITIONS as QUEUES, SENT_BY_THE_MESSAGING_KIT, SERVICES, commands, messageSchemas, type MessageType } from '../../src';

const SERVICES_DIR = path.resolve(__dirname, '../../../../services');

/** Message types a service's code names as a quoted string: the ones it sends or handles. */
function typesNamedBy(service: string): Set<string> {
  const found = new Set<string>();
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(file);
      else if (entry.name.endsWith('.ts')) {
        const text = readFileSync(file, 'utf8');
        for (const type of Object.keys(messageSchemas)) if (text.includes(`'${type}'`)) found.add(type);
      }
    }
  };
  walk(path.join(SERVICES_DIR, service, 'src'));
  return found;
}

/** Commands a service names only to recognise their refusals (command.refused.v1 names the refused command). */
const REFUSALS_READ: Record<string, string[]> = { tasks: ['payment.refund.v1'] };

const consumedBy = (service: string) =>
  new Set([
    ...QUEUES.filter((q) => q.name.startsWith(`${service}.`)).flatMap((q) => [...(q.events ?? []), ...(q.commands ?? [])] as string[]),
    ...(REFUSALS_READ[service] ?? []),
  ]);

describe('producers of each message (the send side of the topology)', () => {
  it('when the services folder is listed, then PRODUCERS knows every service', () => {
    expect(readdirSync(SERVICES_DIR).sort()).toEqual([...SERVICES].sort());
  });

  it.each([...SERVICES])('when %s names a message type in its code, then it consumes it or is listed as its producer', (service) => {
    const consumed = consumedBy(service);
    const unlisted = [...typesNamedBy(service)].filter((type) => !consumed.has(type) && !PRODUCERS[type as MessageType].includes(service));
    expect(unlisted).toEqual([]);
  });

  it('when a service is listed as a producer, then its code names the message type (unless the messaging kit sends it)', () => {
    const named = Object.fromEntries(SERVICES.map((s) => [s, typesNamedBy(s)]));
    const phantom = Object.entries(PRODUCERS)
      .filter(([type]) => !SENT_BY_THE_MESSAGING_KIT.includes(type as MessageType))
      .flatMap(([type, services]) => services.filter((s) => !named[s].has(type)).map((s) => `${s} → ${type}`));
    expect(phantom).toEqual([]);
  });

  it('when a service consumes commands, then it is listed as a producer of command.refused.v1 (its consumer sends it)', () => {
    expect([...PRODUCERS['command.refused.v1']].sort()).toEqual(['carrier', 'fulfillment', 'ingestion', 'inventory', 'payment-check', 'returns', 'tasks']);
  });

  it('when a command is sent, then exactly one queue receives it', () => {
    const receivers = Object.keys(commands).map((type) => [type, QUEUES.filter((q) => q.commands?.includes(type as never)).length]);
    expect(receivers.filter(([, n]) => n !== 1)).toEqual([]);
  });
});
