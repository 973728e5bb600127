import fc from 'fast-check'

/**
 * The characters of `markup` in `text` that are not escaped: those not preceded by an odd
 * number of backslashes. Empty when a markdown reader shows every one of them as written.
 */
export function unescaped(text: string, markup: string): string[] {
  const found: string[] = []
  let backslashes = 0
  for (const char of text) {
    if (char === '\\') {
      backslashes++
      continue
    }
    if (markup.includes(char) && backslashes % 2 === 0) found.push(char)
    backslashes = 0
  }
  return found
}

export const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/
export const BIDI_CONTROL = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/

/** Text a job controls, at its worst: markup, mentions, line breaks, broken characters, length. */
export const HOSTILE_TEXTS = [
  '**bold** __under__ ~~strike~~ ||spoiler|| `code` ```block``` [click](https://evil.example) <https://evil.example>',
  '<@123456789> <@&987654321> <#555> @everyone @here <t:1795834800:R> <:emoji:1>',
  '- list\n# heading\n> quote\n1. numbered\n-# subtext\n    indented',
  '{{DATE(2017-02-14T06:08:39Z, SHORT)}} {{TIME(2017-02-14T06:08:39Z)}}',
  'C:\\path\\* \\\\` \\',
  'half an emoji \uD83D',
  'nul \u0000 inside',
  'right-to-left \u202Eevil',
  'x'.repeat(10_000),
  '*'.repeat(10_000),
]

/**
 * Text a job controls, for property tests: any UTF-16 (lone surrogates too); the format's own
 * markup characters among backslashes, list markers, line breaks, emoji and half an emoji; or
 * a long text around the format's limits (`long`).
 */
export function arbitraryJobText(
  markup: readonly string[],
  long: { minLength: number; maxLength: number },
): fc.Arbitrary<string> {
  return fc.oneof(
    fc.string({ unit: 'binary', maxLength: 300 }),
    fc.string({
      unit: fc.constantFrom(...markup, '\\', '-', '1', '.', ' ', '\n', '\r', '😀', '\uD800', '\uDC00'),
      maxLength: 300,
    }),
    fc.string({ unit: 'grapheme', ...long }),
  )
}
