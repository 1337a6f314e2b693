import type { ServiceDefinition } from '@oms/runtime';
import { configSchema } from './config';
import { createUpstreams } from './data-access/upstreams';
import { bootstrapKey } from './entry-points/http/auth';
import { docsRoutes } from './entry-points/http/openapi';
import { publicApi } from './entry-points/http/routes';

/** The only public HTTP entry: authenticates, validates, publishes to the broker, routes queries. */
export const definition: ServiceDefinition<typeof configSchema> = {
  name: 'gateway',
  configSchema,
  setup: (ctx) => {
    const upstreams = createUpstreams(ctx.config, ctx.logger);
    const deps = { broker: ctx.broker, commands: ctx.commands, upstreams, commandTimeoutMs: ctx.config.COMMAND_TIMEOUT_MS };
    return {
      routes: (app) => {
        app.use(docsRoutes());
        app.use('/v1', publicApi(deps, bootstrapKey(ctx.config.OMS_BOOTSTRAP_API_KEY)));
      },
    };
  },
};
