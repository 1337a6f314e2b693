import type { HandlerMap } from '@oms/messaging';
import type { ReturnsDeps } from './deps';
import { openReturn } from './open-return';
import { receiveReturn } from './receive-return';
import { recordDeliveredOrder } from './record-delivered-order';

/** Every subscription of the returns service. */
export const returnsConsumers = (deps: ReturnsDeps): Record<string, HandlerMap> => ({
  'returns.commands': {
    'return.open.v1': (msg) => openReturn(deps, msg),
    'return.receive.v1': (msg) => receiveReturn(deps, msg),
  },
  'returns.delivered-orders': {
    'order.delivered.v1': (msg) => recordDeliveredOrder(deps, msg),
  },
});
