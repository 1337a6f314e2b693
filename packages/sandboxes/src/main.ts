// Runs the payment provider and carrier sandboxes for local development (`npm start`).
import { createCarrierSandbox } from './carrier';
import { createPaymentSandbox } from './payment';
import { serve } from './serve';

async function main() {
  // HOST=0.0.0.0 in the container image, so the services in other containers reach the sandboxes.
  const host = process.env.HOST ?? '127.0.0.1';
  const payment = await serve(createPaymentSandbox().app, Number(process.env.PAYMENT_SANDBOX_PORT ?? 8091), host);
  const carrier = await serve(createCarrierSandbox().app, Number(process.env.CARRIER_SANDBOX_PORT ?? 8092), host);
  console.log(JSON.stringify({ msg: 'sandboxes listening', payment: payment.url, carrier: carrier.url }));
  const stop = () => void Promise.all([payment.close(), carrier.close()]).then(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

void main();
