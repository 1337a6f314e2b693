/**
 * How an order's payment method is paid, which decides what payment-check does with it:
 *
 * - `authorize`: card, wallet and every method not named below: the provider authorizes the amount due.
 * - `invoice`: invoice and cash on delivery: the money comes after the goods, outside any provider; nothing
 *   to authorize (risk rules decide, when there are some).
 * - `channel`: the marketplace took the money from the customer and pays the shop; nothing to authorize.
 * - `prepayment`: bank transfer before shipping (Vorkasse): the order waits as `awaiting_payment` until the
 *   money is recorded as received (POST /v1/orders/{id}/payments), and is cancelled if it never comes.
 *
 * Method names are compared in lower case with spaces and punctuation as underscores, so Shopify's gateway
 * names ("Cash on Delivery (COD)") and German ones ("Rechnung", "Nachnahme") are recognized.
 */
export type PaymentFlow = 'authorize' | 'invoice' | 'channel' | 'prepayment';

const FLOWS: Array<[RegExp, PaymentFlow]> = [
  [/^(invoice|rechnung|kauf_auf_rechnung|pay_by_invoice)/, 'invoice'],
  [/^(cash_on_delivery|cod|nachnahme)/, 'invoice'],
  [/^(marketplace|channel_collected)/, 'channel'],
  [/^(prepayment|vorkasse|bank_transfer|bank_deposit|ueberweisung|uberweisung)/, 'prepayment'],
];

const normalized = (method: string) =>
  method
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_|_$/g, '');

export function paymentFlowOf(method: string): PaymentFlow {
  const name = normalized(method);
  return FLOWS.find(([pattern]) => pattern.test(name))?.[1] ?? 'authorize';
}

/** Only card and wallet payments with something due go to the provider, which then holds the money. */
export const needsAuthorization = (flow: PaymentFlow, amount: number) => flow === 'authorize' && amount > 0;
