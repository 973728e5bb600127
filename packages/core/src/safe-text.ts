/**
 * Text that came from user code (an error message, a summary, a response body) on its way
 * into a store or a channel. Each helper is total: any string in, a well-formed string out.
 */

/** Error messages longer than this are clipped, by every store and every channel alike. */
export const MAX_ERROR_MESSAGE_LENGTH = 8_000

const REPLACEMENT = '\uFFFD'

// NUL, a high surrogate not followed by a low one, a low surrogate not preceded by a high one.
// biome-ignore lint/suspicious/noControlCharactersInRegex: NUL is the character to replace.
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g

/**
 * Replaces what Postgres `text`/`jsonb` and UTF-8 encoders refuse or mangle: NUL, and a lone
 * UTF-16 surrogate (a string cut in the middle of an emoji). Both become U+FFFD, which is
 * what a UTF-8 encoder makes of a lone surrogate anyway, so every store keeps the same text.
 */
export function cleanText(text: string): string {
  return text.replace(UNSTORABLE, REPLACEMENT)
}

/**
 * JSON text with every string and key cleaned: what a store keeps of a summary or an event,
 * the same in every store. Throws what JSON.stringify throws (a BigInt, a cycle).
 */
export function cleanJson(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) => {
    if (typeof item === 'string') return cleanText(item)
    if (item !== null && typeof item === 'object' && !Array.isArray(item)) {
      return Object.fromEntries(Object.entries(item).map(([key, entry]) => [cleanText(key), entry]))
    }
    return item
  })
}

/** At most `length` UTF-16 units of `text`, never ending with the first half of a surrogate pair. */
export function codePointPrefix(text: string, length: number): string {
  if (text.length <= length) return text
  const end = Math.max(0, length)
  return text.slice(0, end > 0 && isHighSurrogate(text.charCodeAt(end - 1)) ? end - 1 : end)
}

const truncatedMarker = (cut: number) => ` [truncated ${cut} characters]`

/**
 * At most `max` UTF-16 units, cut between code points. A cut is visible: the text ends with
 * `marker(charactersCut)`, by default " [truncated N characters]", and still fits in `max`,
 * so a store with the same limit (the Postgres adapter's `clip_error`) never cuts it again.
 */
export function clipText(
  text: string,
  max: number = MAX_ERROR_MESSAGE_LENGTH,
  marker: (cut: number) => string = truncatedMarker,
): string {
  if (text.length <= max) return text
  // Sized for the largest count it could report, so the result never exceeds `max`.
  const kept = codePointPrefix(text, max - marker(text.length).length)
  return `${kept}${marker(text.length - kept.length)}`
}

// Embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069) and the marks
// (U+200E, U+200F, U+061C): a right-to-left override in a job name or an error can make an
// alert read backwards ("Trojan Source").
const BIDI_CONTROLS = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/g
const BIDI_CONTROL = new RegExp(BIDI_CONTROLS.source)

/** Bidirectional control characters become U+FFFD, so alert text reads as it is stored. */
export function neutralizeBidi(text: string): string {
  return text.replace(BIDI_CONTROLS, REPLACEMENT)
}

// C0 controls, DEL and C1 controls.
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are the point.
const CONTROL_CHARACTERS = /[\u0000-\u001F\u007F-\u009F]/

/** True when a name or address holds a control or bidirectional control character. */
export function hasControlCharacters(text: string): boolean {
  return CONTROL_CHARACTERS.test(text) || BIDI_CONTROL.test(text)
}

/**
 * What every store does with a job name that has control characters: refuses it, with the
 * same message (Postgres cannot store NUL; options refuse them all before any store call).
 */
export function checkJobName(jobName: string): void {
  if (hasControlCharacters(jobName)) {
    throw new TypeError('jobName: expected a job name without control or bidi characters')
  }
}

/**
 * Text a channel shows: well-formed, bidi controls neutralised. Multi-line bodies keep
 * their line breaks; a header or a subject takes `singleLine`.
 */
export function displayText(text: string): string {
  return neutralizeBidi(cleanText(text))
}

// Every control character but the space, including CR and LF (a subject with CRLF is a
// header injection; a Slack header is one line).
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are the point.
const LINE_BREAKING = /[\u0000-\u001F\u007F-\u009F\u2028\u2029]+/g

/** One line of display text: runs of control characters, line breaks among them, become one space. */
export function singleLine(text: string): string {
  return displayText(text).replace(LINE_BREAKING, ' ')
}

/**
 * An event (or any record) with every string field as `displayText`: what a channel lays
 * out. One unit in, one unit out, so length limits computed before still hold.
 */
export function displayFields<T extends object>(record: T): T {
  const shown = { ...record } as Record<string, unknown>
  for (const [key, value] of Object.entries(shown)) {
    if (typeof value === 'string') shown[key] = displayText(value)
  }
  return shown as T
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff
}

/**
 * A backtick inside a code span or block could close it and let the rest be read as markup.
 * Slack and Discord have no escape there, so it becomes the look-alike U+02CB (ˋ): the text
 * stays readable, and nothing a job wrote can leave the code block.
 */
export function neutralizeBackticks(text: string): string {
  return text.replaceAll('`', '\u02cb')
}
