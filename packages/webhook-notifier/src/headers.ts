import { kindOf, readSafely } from '@cronwarden/core/plugin'

/** HTTP header names and values, as given in `headers` or returned by a `format` function. */
export type HeaderRecord = Record<string, string>

// RFC 9110 §5.6.2: a header name is a token.
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/
// fetch refuses a value with CR, LF or NUL (a header injection) or a character above U+00FF.
// biome-ignore lint/suspicious/noControlCharactersInRegex: these are the characters refused.
const UNSENDABLE_VALUE = /[\r\n\u0000]|[^\u0000-\u00FF]/

/**
 * The headers as a plain record, or what is wrong with them. Values may be secrets (an API
 * key, a bearer token), so a problem names the header, never its value; fetch's own errors
 * would quote it. Reading is guarded: the record may be a Proxy from user code.
 */
export function checkHeaders(value: unknown): { headers: HeaderRecord } | { problem: string } {
  const entries = readSafely(() => {
    if (typeof value !== 'object' || value === null) return undefined
    // Not a Headers instance, a Map or an Error: their entries are not own properties, and
    // taking one for an empty record would drop every header without a word.
    const prototype: unknown = Object.getPrototypeOf(value)
    if (prototype !== Object.prototype && prototype !== null) return undefined
    return Object.entries(value).map(([name, item]): [string, unknown] => [name, item])
  }, undefined)
  if (entries === undefined) return { problem: 'not a plain object of header names and string values' }
  const headers: HeaderRecord = {}
  for (const [name, item] of entries) {
    const shown = JSON.stringify(name.slice(0, 60))
    if (!TOKEN.test(name)) return { problem: `${shown} is not a valid header name` }
    if (typeof item !== 'string') return { problem: `the value of ${shown} is ${kindOf(item)}, not a string` }
    if (UNSENDABLE_VALUE.test(item)) {
      return { problem: `the value of ${shown} has a line break, NUL or a character above U+00FF (value not shown)` }
    }
    headers[name] = item
  }
  return { headers }
}
