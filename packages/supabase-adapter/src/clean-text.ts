/**
 * Text for Postgres. `text` and `jsonb` cannot hold NUL, and `jsonb` refuses the `\uD800`
 * escape JSON.stringify writes for a lone surrogate; a job's error message or summary may
 * carry either. Both become U+FFFD, which is what the drivers' UTF-8 encoding makes of a
 * lone surrogate in plain text anyway.
 */
export const clean = (text: string) => text.replace(UNSTORABLE, '\uFFFD')

// NUL, a high surrogate not followed by a low one, a low surrogate not preceded by a high one.
// biome-ignore lint/suspicious/noControlCharactersInRegex: NUL is the character to replace.
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g

/** JSON text for a `$n::text::jsonb` parameter, with every string and key cleaned. */
export function jsonText(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) => {
    if (typeof item === 'string') return clean(item)
    if (item !== null && typeof item === 'object' && !Array.isArray(item)) {
      return Object.fromEntries(Object.entries(item).map(([key, entry]) => [clean(key), entry]))
    }
    return item
  })
}
