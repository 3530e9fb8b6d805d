// Loads shared by every child a worker trains: each key is loaded once per process and the same
// promise handed to every caller. A failed load is forgotten, so the next caller tries again.
// Not an eviction policy: what is loaded stays until clear().

export interface LoadCache<T> {
  get: (key: string, load: () => Promise<T>) => Promise<T>;
  clear: () => void;
}

export function loadCache<T>(): LoadCache<T> {
  const entries = new Map<string, Promise<T>>();
  return {
    get: (key, load) => {
      const cached = entries.get(key);
      if (cached) return cached;
      const loading = load();
      entries.set(key, loading);
      loading.catch(() => {
        if (entries.get(key) === loading) entries.delete(key);
      });
      return loading;
    },
    clear: () => entries.clear(),
  };
}
