const REDACTED = '[redacted]'

/**
 * Removes known secrets from a text. A server may echo the user name in its reply, and
 * several providers use an API key as the user name, so user names count as secrets too.
 * Each secret is also removed in its URL-encoded form, the way it appears inside an SMTP URL.
 */
export function createScrubber(secrets: readonly string[]): (text: string) => string {
  const forms = new Set<string>()
  for (const secret of secrets) {
    if (secret.length === 0) continue
    forms.add(secret)
    forms.add(encodeURIComponent(secret))
  }
  // Longest first, so a URL is removed whole before the password inside it.
  const ordered = [...forms].sort((a, b) => b.length - a.length)
  return (text) => ordered.reduce((result, secret) => result.split(secret).join(REDACTED), text)
}
