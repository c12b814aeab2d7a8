// A Map that keeps at most `max` entries, dropping the least recently used: for per-isolate caches.
// In production one isolate serves many workspaces, sites and objects for hours, so a module-level Map
// keyed by anything a request names (a site key, an API key's hash, a workspace) grows for as long as
// the isolate lives unless something evicts it; expiry times alone do not, as nothing deletes an
// expired entry that is never asked for again.
export class LruMap<K, V> extends Map<K, V> {
  constructor(readonly max: number) {
    super();
    if (!(max >= 1)) throw new RangeError(`LruMap: max must be ≥ 1, not ${max}`);
  }

  override get(key: K): V | undefined {
    if (!super.has(key)) return undefined;
    const v = super.get(key) as V;
    // Most recently used last: Map iterates in insertion order, so the first key is the one to drop.
    super.delete(key);
    super.set(key, v);
    return v;
  }

  override set(key: K, value: V): this {
    if (super.has(key)) super.delete(key);
    else
      while (this.size >= this.max) {
        const oldest = this.keys().next();
        if (oldest.done) break;
        super.delete(oldest.value);
      }
    return super.set(key, value);
  }
}
