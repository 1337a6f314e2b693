import { ConfigError } from '@oms/config';
import { readTracingConfig } from '@oms/tracing';

const on = (env: NodeJS.ProcessEnv) => {
  const config = readTracingConfig('gateway', env);
  if (!config.enabled) throw new Error(`expected tracing on, it is off: ${config.reason}`);
  return config;
};

describe('tracing settings from the standard OTEL_* variables', () => {
  it('when no OTLP endpoint is set, then tracing is off, whatever else is set', () => {
    expect(readTracingConfig('gateway', {})).toMatchObject({ enabled: false, serviceName: 'gateway' });
    expect(readTracingConfig('gateway', { OTEL_TRACES_SAMPLER: 'always_on', OTEL_SERVICE_NAME: 'edge' })).toMatchObject({
      enabled: false,
      serviceName: 'edge',
    });
    expect(readTracingConfig('gateway', { OTEL_EXPORTER_OTLP_ENDPOINT: '  ' }).enabled).toBe(false);
  });

  it('when the exporter is none or the SDK is disabled, then tracing is off even with an endpoint', () => {
    const endpoint = { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' };
    expect(readTracingConfig('gateway', { ...endpoint, OTEL_TRACES_EXPORTER: 'none' })).toMatchObject({ enabled: false, reason: 'OTEL_TRACES_EXPORTER=none' });
    expect(readTracingConfig('gateway', { ...endpoint, OTEL_SDK_DISABLED: 'TRUE' })).toMatchObject({ enabled: false, reason: 'OTEL_SDK_DISABLED=true' });
    expect(readTracingConfig('gateway', { ...endpoint, OTEL_SDK_DISABLED: 'false' }).enabled).toBe(true);
  });

  it('when the general endpoint is set, then v1/traces is appended; the traces endpoint is used as it is and wins', () => {
    expect(on({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }).url).toBe('http://collector:4318/v1/traces');
    expect(on({ OTEL_EXPORTER_OTLP_ENDPOINT: 'https://otlp.example.com/prefix/' }).url).toBe('https://otlp.example.com/prefix/v1/traces');
    expect(on({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://tempo:4318/otlp/v1/traces' }).url).toBe(
      'http://tempo:4318/otlp/v1/traces',
    );
  });

  it('when nothing else is said, then protobuf over HTTP, parent-based always-on sampling and the service’s own name', () => {
    expect(on({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' })).toMatchObject({
      protocol: 'http/protobuf',
      samplerName: 'parentbased_always_on',
      serviceName: 'gateway',
      headers: {},
    });
  });

  it('when names, headers, resource attributes, protocol and sampler are set, then they are honoured with the spec’s precedence', () => {
    const config = on({
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318',
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
      OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/json',
      OTEL_EXPORTER_OTLP_HEADERS: 'authorization=Bearer%20abc,x-tenant=a',
      OTEL_EXPORTER_OTLP_TRACES_HEADERS: 'x-tenant=b',
      OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment.name=staging,service.name=from-attributes',
      OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
      OTEL_TRACES_SAMPLER_ARG: '0.25',
    });
    expect(config).toMatchObject({
      protocol: 'http/json',
      headers: { authorization: 'Bearer abc', 'x-tenant': 'b' },
      serviceName: 'from-attributes',
      resourceAttributes: { 'deployment.environment.name': 'staging' },
      samplerName: 'parentbased_traceidratio',
    });
    expect(config.sampler.toString()).toMatch(/TraceIdRatioBased\{0\.25\}/);
    expect(on({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_SERVICE_NAME: 'edge', OTEL_RESOURCE_ATTRIBUTES: 'service.name=x' }).serviceName).toBe(
      'edge',
    );
  });

  it.each([
    [{ OTEL_TRACES_SAMPLER: 'jaeger_remote' }, /OTEL_TRACES_SAMPLER must be one of/],
    [{ OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: '2' }, /OTEL_TRACES_SAMPLER_ARG must be a number from 0 to 1/],
    [{ OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: 'half' }, /OTEL_TRACES_SAMPLER_ARG/],
    [{ OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' }, /only "http\/protobuf" or "http\/json"/],
    [{ OTEL_TRACES_EXPORTER: 'zipkin' }, /only "otlp" or "none"/],
    [{ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'collector:4318' }, /must be http:\/\/ or https:\/\//],
    [{ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'not a url' }, /not a URL/],
  ])('when a setting cannot be honoured (%j), then the start fails with a ConfigError naming it', (env, message) => {
    const read = () => readTracingConfig('gateway', { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', ...env });
    expect(read).toThrow(ConfigError);
    expect(read).toThrow(message);
  });
});
