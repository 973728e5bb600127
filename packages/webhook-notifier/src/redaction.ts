import { createRedactor } from '@cronwarden/core/plugin'

/** Query values and path segments this long are tokens (a Discord webhook token, a Teams `sig`). */
const TOKEN_LENGTH = 16

/**
 * Hides the send's secrets in text that reaches an error (an answer's body, a network error):
 * the URL as a whole (as is, URL-encoded, or its path alone), the token-like parts of the URL
 * on their own, every header value and the routing key.
 */
export function createSendRedactor(url: string, secrets: readonly string[]): (text: string) => string {
  const redactUrl = createRedactor([url], '[webhook URL]')
  const redactSecrets = createRedactor([...secrets, ...tokensOf(url)], '[redacted]')
  return (text) => redactSecrets(redactUrl(text))
}

function tokensOf(value: string): string[] {
  if (!URL.canParse(value)) return []
  const url = new URL(value)
  const parts = [...url.pathname.split('/'), ...url.searchParams.values()]
  return parts.flatMap((part) => {
    const decoded = safeDecode(part)
    return part.length >= TOKEN_LENGTH ? [part, decoded] : []
  })
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text)
  } catch {
    return text
  }
}
