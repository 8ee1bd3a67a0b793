/**
 * An item of the health table without its keys and expiry: the record as it was saved. Apart
 * from healthKeys.ts so a bundle that only reads one record holds no Query.
 */
export function withoutKeys(item: Record<string, unknown>): Record<string, unknown> {
  const { pk: _pk, sk: _sk, expiration: _expiration, ...rest } = item;
  return rest;
}
