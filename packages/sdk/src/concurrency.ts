/**
 * Maps `items` through `fn` with at most `limit` calls in flight; results keep input order.
 * Verification of many photos overlaps this way (signature checks run on the crypto thread
 * pool in Node, and in WebCrypto's own threads in browsers).
 */
export async function mapConcurrent<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < items.length; i = next++) out[i] = await fn(items[i]!, i);
  };
  await Promise.all(Array.from({ length: Math.min(Math.max(1, limit), items.length) }, worker));
  return out;
}
