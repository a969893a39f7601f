/**
 * A tenant id is a branded string: repository functions take one first, and only the tenant service
 * (which resolved the tenant) can mint it, so a query that forgot its tenant does not type-check.
 */
export type TenantId = string & { readonly __brand: 'TenantId' };

export const asTenantId = (id: string): TenantId => id as TenantId;
