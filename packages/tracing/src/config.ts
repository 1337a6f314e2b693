import { parseKeyPairsIntoRecord } from '@opentelemetry/core';
import { AlwaysOffSampler, AlwaysOnSampler, ParentBasedSampler, TraceIdRatioBasedSampler, type Sampler } from '@opentelemetry/sdk-trace-base';
import { ConfigError } from '@oms/config';

/** A ConfigError, so that runMain reports it like any other bad setting. */
export class TracingConfigError extends ConfigError {
  override name = 'TracingConfigError';
}

export type OtlpProtocol = 'http/protobuf' | 'http/json';

export type TracingConfig =
  | { enabled: false; serviceName: string; reason: string }
  | {
      enabled: true;
      serviceName: string;
      /** Full URL the spans are POSTed to (…/v1/traces). */
      url: string;
      protocol: OtlpProtocol;
      headers: Record<string, string>;
      sampler: Sampler;
      samplerName: string;
      resourceAttributes: Record<string, string>;
    };

const SAMPLERS = ['always_on', 'always_off', 'traceidratio', 'parentbased_always_on', 'parentbased_always_off', 'parentbased_traceidratio'] as const;

/**
 * Tracing settings from the standard OpenTelemetry variables
 * (https://opentelemetry.io/docs/specs/otel/configuration/sdk-environment-variables/), read from the
 * environment the service was started with (tests start several services in one process, each with its own).
 *
 * Tracing is on only when an OTLP endpoint is set: without one, no SDK is built at all, so a service that
 * does not export pays nothing for it. `OTEL_SDK_DISABLED=true` or `OTEL_TRACES_EXPORTER=none` turn it off
 * even with an endpoint. A value we cannot honour (an unknown sampler or protocol) stops the start, like
 * every other bad setting.
 */
export function readTracingConfig(service: string, env: NodeJS.ProcessEnv): TracingConfig {
  const get = (name: string) => {
    const value = env[name]?.trim();
    return value ? value : undefined;
  };
  const resourceAttributes = parseKeyPairsIntoRecord(get('OTEL_RESOURCE_ATTRIBUTES'));
  // The spec's precedence: OTEL_SERVICE_NAME, then service.name in OTEL_RESOURCE_ATTRIBUTES, then our default.
  const serviceName = get('OTEL_SERVICE_NAME') ?? resourceAttributes['service.name'] ?? service;
  if (get('OTEL_SDK_DISABLED')?.toLowerCase() === 'true') return { enabled: false, serviceName, reason: 'OTEL_SDK_DISABLED=true' };
  const exporter = get('OTEL_TRACES_EXPORTER')?.toLowerCase() ?? 'otlp';
  if (exporter === 'none') return { enabled: false, serviceName, reason: 'OTEL_TRACES_EXPORTER=none' };
  if (exporter !== 'otlp') throw new TracingConfigError(`OTEL_TRACES_EXPORTER: only "otlp" or "none" are supported (got ${JSON.stringify(exporter)})`);

  const url = tracesUrl(get('OTEL_EXPORTER_OTLP_TRACES_ENDPOINT'), get('OTEL_EXPORTER_OTLP_ENDPOINT'));
  if (!url) return { enabled: false, serviceName, reason: 'no OTEL_EXPORTER_OTLP_ENDPOINT or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT' };

  const protocol = (get('OTEL_EXPORTER_OTLP_TRACES_PROTOCOL') ?? get('OTEL_EXPORTER_OTLP_PROTOCOL') ?? 'http/protobuf').toLowerCase();
  if (protocol !== 'http/protobuf' && protocol !== 'http/json')
    throw new TracingConfigError(
      `OTEL_EXPORTER_OTLP_PROTOCOL: only "http/protobuf" or "http/json" are supported (got ${JSON.stringify(protocol)}); gRPC collectors listen for OTLP/HTTP on port 4318 too`,
    );

  const samplerName = (get('OTEL_TRACES_SAMPLER') ?? 'parentbased_always_on').toLowerCase();
  return {
    enabled: true,
    serviceName,
    url,
    protocol,
    headers: { ...parseKeyPairsIntoRecord(get('OTEL_EXPORTER_OTLP_HEADERS')), ...parseKeyPairsIntoRecord(get('OTEL_EXPORTER_OTLP_TRACES_HEADERS')) },
    sampler: buildSampler(samplerName, get('OTEL_TRACES_SAMPLER_ARG')),
    samplerName,
    resourceAttributes,
  };
}

/**
 * The spec's rules: the per-signal variable is used as it is; the general one is a base URL to which
 * `v1/traces` is appended.
 */
function tracesUrl(tracesEndpoint: string | undefined, endpoint: string | undefined): string | undefined {
  const raw = tracesEndpoint ?? (endpoint && `${endpoint.replace(/\/+$/, '')}/v1/traces`);
  if (!raw) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new TracingConfigError(`OTLP traces endpoint is not a URL: ${JSON.stringify(raw)}`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
    throw new TracingConfigError(`OTLP traces endpoint must be http:// or https:// (got ${JSON.stringify(raw)})`);
  return parsed.toString();
}

function buildSampler(name: string, arg: string | undefined): Sampler {
  const ratio = () => {
    if (arg === undefined) return 1;
    const value = Number(arg);
    if (!Number.isFinite(value) || value < 0 || value > 1)
      throw new TracingConfigError(`OTEL_TRACES_SAMPLER_ARG must be a number from 0 to 1 (got ${JSON.stringify(arg)})`);
    return value;
  };
  switch (name as (typeof SAMPLERS)[number]) {
    case 'always_on':
      return new AlwaysOnSampler();
    case 'always_off':
      return new AlwaysOffSampler();
    case 'traceidratio':
      return new TraceIdRatioBasedSampler(ratio());
    case 'parentbased_always_on':
      return new ParentBasedSampler({ root: new AlwaysOnSampler() });
    case 'parentbased_always_off':
      return new ParentBasedSampler({ root: new AlwaysOffSampler() });
    case 'parentbased_traceidratio':
      return new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(ratio()) });
    default:
      throw new TracingConfigError(`OTEL_TRACES_SAMPLER must be one of ${SAMPLERS.join(', ')} (got ${JSON.stringify(name)})`);
  }
}
