import { readSafely } from './read-safely.js'
import { cleanText, clipText } from './safe-text.js'

/**
 * The text stored and sent for a failed run or delivery. Jobs and notifiers can throw
 * anything: a Symbol, a BigInt, a Proxy whose every trap throws, an Error whose `message`
 * getter throws, a cycle, 10 MB of text. Whatever it is, this returns a well-formed string
 * of at most `MAX_ERROR_MESSAGE_LENGTH` characters and never throws: an `Error`'s message
 * (or its name when empty), otherwise `Non-Error thrown: ` and the value as text.
 */
export function describeError(thrown: unknown): string {
  return clipText(cleanText(rawDescription(thrown)))
}

function rawDescription(thrown: unknown): string {
  try {
    if (isError(thrown)) return errorText(thrown)
    return `Non-Error thrown: ${valueText(thrown)}`
  } catch {
    return 'Non-Error thrown: a value that cannot be read (its properties throw)'
  }
}

/** `instanceof Error` that answers no where the check itself throws (a Proxy's getPrototypeOf trap). */
export function isError(value: unknown): value is Error {
  try {
    return value instanceof Error
  } catch {
    return false
  }
}

function errorText(error: Error): string {
  const message = readString(() => error.message)
  if (message) return message
  return readString(() => error.name) || 'Error (its message cannot be read)'
}

/**
 * Any value as text, never throwing: a string as is, a primitive by `String`, a function by
 * its name, an object as JSON, then by its own `toString`, then a placeholder.
 */
export function valueText(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return value
    case 'undefined':
      return 'undefined'
    case 'symbol':
    case 'bigint':
    case 'number':
    case 'boolean':
      return String(value)
    case 'function':
      return `function ${readString(() => value.name) || '(anonymous)'}`
    default:
      return objectText(value as object | null)
  }
}

/** JSON when it has some, then its own `toString`, then a placeholder. */
function objectText(value: object | null): string {
  const json = readString(() => JSON.stringify(value))
  if (json && json !== '{}') return json
  const text = readString(() => String(value))
  if (text && text !== '[object Object]') return text
  return json || 'an object that cannot be shown as text'
}

/** A string from a getter or conversion that may throw or return anything. */
function readString(read: () => unknown): string | undefined {
  const value = readSafely(read, undefined)
  return typeof value === 'string' ? value : undefined
}

/**
 * The text for a failed request: fetch (and ky) say only "fetch failed", and the reason
 * (ECONNREFUSED, ENOTFOUND, a refused redirect) is on the error's cause, so that is added in
 * brackets: its `code` when it has one, else its own description. Never throws. Redact the
 * result before showing it: a cause's message may quote the URL.
 */
export function describeNetworkError(error: unknown): string {
  const message = describeError(error)
  const cause = isError(error) ? readSafely(() => error.cause, undefined) : undefined
  if (!isError(cause)) return message
  const code = readSafely(() => (cause as { code?: unknown }).code, undefined)
  return `${message} (${typeof code === 'string' ? clipText(cleanText(code)) : describeError(cause)})`
}

/**
 * What a value is, without reading it (`undefined`, `null`, `a number`, `an object`), for
 * messages about a value user code returned: `typeof` is the one look no Proxy can intercept.
 */
export function kindOf(value: unknown): string {
  if (value === undefined || value === null) return String(value)
  const type = typeof value
  return type === 'object' ? 'an object' : `a ${type}`
}
