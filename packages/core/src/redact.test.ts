import { describe, expect, it } from 'vitest'
import { createRedactor, redactError, redactUrls } from './redact.js'

describe('redaction', () => {
  it('removes each secret, its URL-encoded form, and a URL secret by href and path', () => {
    const redact = createRedactor(['https://hooks.example.org/T0/B0/secret', 'p@ss word'])
    expect(redact('posting to https://hooks.example.org/T0/B0/secret failed')).toBe('posting to [redacted] failed')
    expect(redact('GET /T0/B0/secret 404')).toBe('GET [redacted] 404')
    expect(redact('auth p%40ss%20word and p@ss word')).toBe('auth [redacted] and [redacted]')
  })

  it('removes a URL before a password inside it, and uses the given label', () => {
    const redact = createRedactor(['hunter2', 'smtps://mailer:hunter2@smtp.example.org:465'], '[secret]')
    expect(redact('bad smtps://mailer:hunter2@smtp.example.org:465 (hunter2)')).toBe('bad [secret] ([secret])')
  })

  it('ignores empty secrets rather than redacting between every character', () => {
    expect(createRedactor([''])('text')).toBe('text')
  })

  it('hides every URL in text written before the secret is known', () => {
    expect(redactUrls('resolver failed for smtps://u:p@h:465/x and https://a.b/c')).toBe(
      'resolver failed for [URL] and [URL]',
    )
  })

  it('hides the user and password of an address quoted without a scheme', () => {
    expect(redactUrls('connect failed: mailer:hunter2@smtp.example.org:465')).toBe(
      'connect failed: [URL]@smtp.example.org:465',
    )
    expect(redactUrls('write to alerts@example.org failed: 550')).toBe('write to alerts@example.org failed: 550')
  })

  it('copies an error chain with redacted messages and codes, dropping the stacks', () => {
    const cause = Object.assign(new TypeError('Failed to parse URL from https://x.test/secret'), { code: 'E_URL' })
    const error = new Error('send to https://x.test/secret failed', { cause })
    const copy = redactError(error, createRedactor(['https://x.test/secret']))
    expect(copy?.message).toBe('send to [redacted] failed')
    expect(copy?.stack).not.toContain('x.test')
    const copiedCause = copy?.cause as Error & { code?: string }
    expect(copiedCause.name).toBe('TypeError')
    expect(copiedCause.message).toBe('Failed to parse URL from [redacted]')
    expect(copiedCause.code).toBe('E_URL')
    expect(redactError('not an error', (text) => text)).toBeUndefined()
  })

  it('copies an error whose message getter throws without throwing', () => {
    const error = new Error('x')
    Object.defineProperty(error, 'message', {
      get() {
        throw new Error('getter')
      },
    })
    expect(redactError(error, (text) => text)?.message).toBe('')
  })
})
