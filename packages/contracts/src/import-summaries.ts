import { z } from 'zod';

/**
 * What the gateway answers to a CSV import, and what `oms import` prints: one schema each, for the route's
 * OpenAPI document, the gateway's use case and the command-line client alike.
 */
export const orderImportSummarySchema = z.object({
  lines: z.number().int().describe('data rows read'),
  received: z.number().int().describe('orders found (rows grouped by externalId)'),
  created: z.number().int(),
  duplicates: z.number().int(),
  rejected: z.number().int().describe('orders rejected'),
  rows: z.array(z.object({ line: z.number().int(), externalId: z.string().optional(), reason: z.string() })).describe('rejected rows, the first 100'),
  rejectedRowsTruncated: z.boolean(),
  rowsNotListed: z.number().int().optional().describe('rejected rows beyond the first 100, counted only'),
});
export type OrderImportSummary = z.infer<typeof orderImportSummarySchema>;

export const stockImportSummarySchema = z.object({
  lines: z.number().int().describe('data rows read'),
  booked: z.number().int().describe('rows booked into the ledger'),
  rejected: z.number().int(),
  rows: z.array(z.object({ line: z.number().int(), sku: z.string().optional(), reason: z.string() })).describe('rejected rows, the first 100'),
  rejectedRowsTruncated: z.boolean(),
  rowsNotListed: z.number().int().optional().describe('rejected rows beyond the first 100, counted only'),
});
export type StockImportSummary = z.infer<typeof stockImportSummarySchema>;

/** The answer to a SKU attributes import (POST /v1/skus/attributes/import). */
export const skuAttributesImportSummarySchema = z.object({
  lines: z.number().int().describe('data rows read'),
  set: z.number().int().describe('SKUs whose attributes were set'),
  rejected: z.number().int(),
  rows: z.array(z.object({ line: z.number().int(), sku: z.string().optional(), reason: z.string() })).describe('rejected rows, the first 100'),
  rejectedRowsTruncated: z.boolean(),
  rowsNotListed: z.number().int().optional().describe('rejected rows beyond the first 100, counted only'),
});
export type SkuAttributesImportSummary = z.infer<typeof skuAttributesImportSummarySchema>;
