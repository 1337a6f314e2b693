import { hostname } from 'node:os';
import { context, diag, DiagLogLevel, ProxyTracerProvider, type Tracer } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { OTLPTraceExporter as OtlpJsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as OtlpProtobufExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { defaultResource, resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import type { Logger } from '@oms/logging';
import { readTracingConfig } from './config';

/** One service's tracing: its tracer and the exporter behind it, or nothing at all when tracing is off. */
export interface Tracing {
  /** False when no OTLP endpoint is configured: callers then skip every tracing step. */
  readonly enabled: boolean;
  readonly serviceName: string;
  /** Spans of this service; a no-op tracer when tracing is off. */
  readonly tracer: Tracer;
  /** Export the spans ended so far (tests; shutdown). */
  flush(): Promise<void>;
  /** Export what is left and stop the exporter. */
  shutdown(): Promise<void>;
}

const INSTRUMENTATION_SCOPE = '@oms/tracing';

/** Tracing off: no SDK, no exporter, no context manager. */
export function tracingOff(serviceName = ''): Tracing {
  return {
    enabled: false,
    serviceName,
    tracer: new ProxyTracerProvider().getTracer(INSTRUMENTATION_SCOPE),
    flush: async () => undefined,
    shutdown: async () => undefined,
  };
}

/**
 * Build the service's tracer provider from the OTEL_* variables in `env` (see config.ts), or return
 * `tracingOff` when no endpoint is set. The provider is the service's own and not registered globally:
 * several services started in one process (the component tests) each export under their own
 * `service.name`. What is process-wide is harmless to share: the AsyncLocalStorage context manager that
 * carries the active span across `await`, and the diagnostic logger.
 */
export function startTracing(service: string, env: NodeJS.ProcessEnv, logger?: Logger): Tracing {
  const config = readTracingConfig(service, env);
  if (!config.enabled) {
    logger?.debug({ reason: config.reason }, 'tracing off');
    return tracingOff(config.serviceName);
  }
  useAsyncLocalStorageContext();
  if (logger) reportExportProblemsTo(logger);

  const exporterOptions = { url: config.url, headers: config.headers };
  const exporter = config.protocol === 'http/json' ? new OtlpJsonExporter(exporterOptions) : new OtlpProtobufExporter(exporterOptions);
  const resource = defaultResource().merge(
    resourceFromAttributes({
      ...config.resourceAttributes,
      [ATTR_SERVICE_NAME]: config.serviceName,
      // Tells the processes of one service apart (HTTP_WORKERS, replicas); the pod name on Kubernetes.
      'host.name': config.resourceAttributes['host.name'] ?? hostname(),
      'process.pid': process.pid,
    }),
  );
  const provider = new BasicTracerProvider({ resource, sampler: config.sampler, spanProcessors: [new BatchSpanProcessor(exporter)] });
  logger?.info({ endpoint: config.url, protocol: config.protocol, sampler: config.samplerName, serviceName: config.serviceName }, 'tracing on');
  return {
    enabled: true,
    serviceName: config.serviceName,
    tracer: provider.getTracer(INSTRUMENTATION_SCOPE),
    flush: () => provider.forceFlush(),
    shutdown: () => provider.shutdown(),
  };
}

let contextManagerSet = false;
function useAsyncLocalStorageContext(): void {
  if (contextManagerSet) return;
  // false when another one is registered already (an embedding application's): it carries context as well.
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  contextManagerSet = true;
}

let diagnosticsSet = false;
/** The SDK reports failed exports through its `diag` channel, silent unless a logger is set. */
function reportExportProblemsTo(logger: Logger): void {
  if (diagnosticsSet) return;
  diagnosticsSet = true;
  const warn = (message: string, ...args: unknown[]) => logger.warn({ detail: args.map(String).join(' ') || undefined }, `tracing: ${message}`);
  const ignore = () => undefined;
  diag.setLogger({ error: warn, warn, info: ignore, debug: ignore, verbose: ignore }, DiagLogLevel.WARN);
}
