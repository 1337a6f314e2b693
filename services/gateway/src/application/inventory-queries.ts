import { queryString, seg, type QueryDeps } from './deps';

/** The inventory service's reports and records, passed on as they are. */
export const inventoryQueries = (deps: QueryDeps) => {
  const get = (path: string) => deps.upstreams.inventory.get(path);
  return {
    locations: () => get('/internal/locations'),
    location: (id: string) => get(`/internal/locations/${seg(id)}`),
    stock: (query: Record<string, unknown>) => get(`/internal/inventory?${queryString(query)}`),
    replenishment: (query: Record<string, unknown>) => get(`/internal/inventory-replenishment?${queryString(query)}`),
    forecast: (query: Record<string, unknown>) => get(`/internal/inventory-forecast?${queryString(query)}`),
    movementsOf: (sku: string, query: Record<string, unknown>) => get(`/internal/inventory/${seg(sku)}/movements?${queryString(query)}`),
    stockOf: (sku: string) => get(`/internal/inventory/${seg(sku)}`),
  };
};
