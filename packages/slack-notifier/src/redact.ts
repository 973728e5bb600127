/**
 * The webhook URL is a bearer secret: whoever has it can post to the channel. Text that
 * reaches an error (a response body, a network error's message) goes through this first.
 */
export function createRedactor(url: string): (text: string) => string {
  const secrets = new Set<string>([url])
  try {
    const parsed = new URL(url)
    secrets.add(parsed.href)
    // The path holds the secret part of a Slack webhook; it can show up without the host.
    if (parsed.pathname.length > 1) secrets.add(`${parsed.pathname}${parsed.search}`)
  } catch {
    // Not a URL: the raw string is still redacted.
  }
  const ordered = [...secrets].filter((secret) => secret.length > 0).sort((a, b) => b.length - a.length)
  return (text) => {
    let result = text
    for (const secret of ordered) result = result.replaceAll(secret, '[webhook URL]')
    return result.replace(SLACK_WEBHOOK_PATH, '$1[redacted]')
  }
}

/**
 * For text written before the URL is known (a failing webhookUrl function): any URL in it
 * may be the secret, so every one is hidden.
 */
export function redactAnyUrl(text: string): string {
  return text.replace(ANY_URL, '[URL]').replace(SLACK_WEBHOOK_PATH, '$1[redacted]')
}

const ANY_URL = /\b[a-z][a-z0-9+.-]*:\/\/\S+/gi

// Any Slack webhook path, in case a different (e.g. rotated) one appears in the text.
const SLACK_WEBHOOK_PATH = /(hooks\.slack\.com\/(?:services|workflows|triggers)\/)\S+/gi

/**
 * A copy of an error chain with every message redacted. The originals are dropped: their
 * messages and stacks may quote the URL (undici's "Failed to parse URL from ...").
 */
export function redactError(error: unknown, redact: (text: string) => string, depth = 0): Error | undefined {
  if (!(error instanceof Error)) return undefined
  const cause = depth < 4 ? redactError(error.cause, redact, depth + 1) : undefined
  const copy = new Error(redact(error.message), cause === undefined ? undefined : { cause })
  copy.name = error.name
  copy.stack = `${copy.name}: ${copy.message}\n    (original stack dropped: it may quote the webhook URL)`
  const code = (error as { code?: unknown }).code
  if (typeof code === 'string') Object.assign(copy, { code })
  return copy
}
