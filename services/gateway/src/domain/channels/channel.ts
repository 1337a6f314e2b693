/** The kinds of sales channel; `phone` and `social` are order desks that use the native API. */
export const CHANNEL_TYPES = ['web', 'marketplace', 'shopify', 'csv', 'phone', 'social', 'pos', 'b2b', 'other'] as const;
export type ChannelType = (typeof CHANNEL_TYPES)[number];

/** A sales channel: every intake path checks that the order's channel exists. */
export interface ChannelRecord {
  id: string;
  name: string;
  type: ChannelType;
  defaultCurrency: string;
  locationPool: string[];
  /** Write-only over the API: only whether one is set is ever shown. */
  webhookSecret?: string;
  createdAt: string;
  updatedAt: string;
}

export type ChannelInput = Pick<ChannelRecord, 'name' | 'type' | 'defaultCurrency' | 'locationPool'> & { webhookSecret?: string };
