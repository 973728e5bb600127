/**
 * Reads a property or converts a value from user code, where a getter, a Proxy trap or a
 * `toString` can throw: the fallback instead of the throw.
 */
export function readSafely<T>(read: () => T, fallback: T): T {
  try {
    return read()
  } catch {
    return fallback
  }
}
