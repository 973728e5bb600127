import { isError } from './describe-error.js'
import { readSafely } from './read-safely.js'

/**
 * Secrets (a webhook URL, an SMTP password, a Vault value) must never reach a log, a stored
 * delivery error or an alert. Notifiers pass every text that leaves them through these.
 */

/**
 * Removes each secret from a text, replaced by `label`. Each secret also counts in its
 * URL-encoded form (the way a password appears inside an SMTP URL) and, when it is a URL, as
 * its normalised `href` and its path (the secret part of a webhook URL, which shows up in
 * some errors without the host). Longest first, so a URL goes whole before a password in it.
 */
export function createRedactor(secrets: readonly string[], label = '[redacted]'): (text: string) => string {
  const forms = new Set<string>()
  for (const secret of secrets) {
    if (secret.length === 0) continue
    forms.add(secret)
    forms.add(encodeURIComponent(secret))
    for (const form of urlForms(secret)) forms.add(form)
  }
  const ordered = [...forms].filter((form) => form.length > 0).sort((a, b) => b.length - a.length)
  return (text) => ordered.reduce((result, secret) => result.split(secret).join(label), text)
}

function urlForms(value: string): string[] {
  if (!URL.canParse(value)) return []
  const url = new URL(value)
  const path = `${url.pathname}${url.search}`
  return path.length > 1 ? [url.href, path] : [url.href]
}

const ANY_URL = /\b[a-z][a-z0-9+.-]*:\/\/\S+/gi
// `user:password@host` without a scheme, as some resolvers' errors quote a connection string.
const CREDENTIALS = /[^\s:@/'"<>()[\]]+:[^\s@/'"<>]+@(?=\S)/g

/**
 * For text written before the secret is known (a failing resolver): any URL in it may be the
 * secret, so every one becomes `[URL]`, and so does the `user:password@` of a bare address.
 */
export function redactUrls(text: string): string {
  return text.replace(ANY_URL, '[URL]').replace(CREDENTIALS, '[URL]@')
}

/**
 * A copy of an error chain (up to 4 causes deep) with every message redacted, name and
 * string `code` kept. The originals are dropped: their messages and stacks may quote the
 * secret (undici's "Failed to parse URL from ...", an SMTP URL in a resolver's error).
 */
export function redactError(error: unknown, redact: (text: string) => string, depth = 0): Error | undefined {
  if (!isError(error)) return undefined
  const cause =
    depth < 4
      ? redactError(
          read(() => error.cause),
          redact,
          depth + 1,
        )
      : undefined
  const copy = new Error(redact(text(read(() => error.message))), cause === undefined ? undefined : { cause })
  copy.name = text(read(() => error.name)) || 'Error'
  copy.stack = `${copy.name}: ${copy.message}\n    (original stack dropped: it may quote a secret)`
  const code = read(() => (error as { code?: unknown }).code)
  if (typeof code === 'string') Object.assign(copy, { code: redact(code) })
  return copy
}

const read = (get: () => unknown): unknown => readSafely(get, undefined)

const text = (value: unknown) => (typeof value === 'string' ? value : '')
