import { FakeOtlpReceiver } from '@oms/testing';
import { startTracing } from '@oms/tracing';

describe('spans leave by OTLP/HTTP', () => {
  let receiver: FakeOtlpReceiver;
  beforeAll(async () => void (receiver = await FakeOtlpReceiver.start()));
  afterAll(() => receiver.close());

  it('when no protocol is set, then spans are POSTed to <endpoint>/v1/traces as protobuf, with the headers asked for', async () => {
    const tracing = startTracing('inventory', { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint, OTEL_EXPORTER_OTLP_HEADERS: 'x-scope-orgid=tenant-1' });
    const span = tracing.tracer.startSpan('reserve stock');
    span.end();
    await tracing.shutdown();

    expect(receiver.exports).toHaveLength(1);
    const [sent] = receiver.exports;
    expect(sent.contentType).toBe('application/x-protobuf');
    expect(sent.headers['x-scope-orgid']).toBe('tenant-1');
    // Not decoded (no official decoder ships for requests): the span's ids and names travel as raw bytes.
    expect(sent.body.includes(Buffer.from(span.spanContext().traceId, 'hex'))).toBe(true);
    expect(sent.body.includes(Buffer.from(span.spanContext().spanId, 'hex'))).toBe(true);
    expect(sent.body.includes(Buffer.from('reserve stock'))).toBe(true);
    expect(sent.body.includes(Buffer.from('inventory'))).toBe(true);
  });

  it('when the protocol is http/json, then the same span arrives decoded with its service name and sampling respected', async () => {
    const tracing = startTracing('inventory', {
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_SERVICE_NAME: 'inventory-eu',
    });
    const kept = tracing.tracer.startSpan('kept');
    kept.end();
    await tracing.shutdown();
    expect(receiver.spans.find((s) => s.spanId === kept.spanContext().spanId)).toMatchObject({ name: 'kept', service: 'inventory-eu', kind: 'internal' });

    const unsampled = startTracing('inventory', {
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_TRACES_SAMPLER: 'always_off',
    });
    const dropped = unsampled.tracer.startSpan('dropped');
    dropped.end();
    await unsampled.shutdown();
    expect(dropped.isRecording()).toBe(false);
    expect(receiver.spans.find((s) => s.name === 'dropped')).toBeUndefined();
  });
});
