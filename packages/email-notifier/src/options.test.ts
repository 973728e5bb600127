import { OptionsError } from '@cronwarden/core'
import { describe, expect, it } from 'vitest'
import { createEmailNotifier } from './email-notifier.js'
import type { EmailNotifierOptions } from './options.js'
import { senderDomain } from './options.js'

const valid: EmailNotifierOptions = {
  transport: 'smtps://apikey:SG.secret-key@smtp.example.org:465',
  from: 'cron alerts <alerts@example.org>',
  to: 'ops@example.org',
}

function optionsError(options: unknown): OptionsError {
  try {
    createEmailNotifier(options as EmailNotifierOptions)
  } catch (error) {
    expect(error).toBeInstanceOf(OptionsError)
    return error as OptionsError
  }
  return expect.fail('expected an OptionsError')
}

describe('createEmailNotifier options', () => {
  it('is named email unless given a name', () => {
    expect(createEmailNotifier(valid).name).toBe('email')
    expect(createEmailNotifier({ ...valid, name: 'email-oncall' }).name).toBe('email-oncall')
  })

  it('rejects a misspelled option, naming the one meant', () => {
    expect(optionsError({ ...valid, subjectPrefx: '[cron]' }).issues).toEqual([
      { path: 'subjectPrefx', message: 'unknown option (did you mean "subjectPrefix"?)' },
    ])
  })

  it('rejects a URL that is not SMTP without quoting it, since it may hold a password', () => {
    const error = optionsError({ ...valid, transport: 'https://user:hunter2-secret@smtp.example.org' })
    expect(error.issues).toEqual([{ path: 'transport', message: 'expected an smtp:// or smtps:// URL, not https://' }])
    expect(error.message).not.toContain('hunter2-secret')
  })

  it('rejects a transport that is not a URL, options, transporter or function', () => {
    expect(optionsError({ ...valid, transport: 42 }).issues[0]?.path).toBe('transport')
    expect(optionsError({ ...valid, transport: 'not a url' }).issues[0]?.message).toMatch(/not a URL/)
    expect(optionsError({ ...valid, transport: undefined }).issues[0]?.path).toBe('transport')
  })

  it('accepts SMTP options, a transporter and a function as the transport', () => {
    expect(() => createEmailNotifier({ ...valid, transport: { host: 'smtp.example.org', port: 587 } })).not.toThrow()
    expect(() => createEmailNotifier({ ...valid, transport: { sendMail: async () => ({}) } })).not.toThrow()
    expect(() => createEmailNotifier({ ...valid, transport: async () => 'smtp://relay:25' })).not.toThrow()
  })

  it('rejects a sender without an address, and an empty recipient list', () => {
    const error = optionsError({ ...valid, from: 'cron alerts', to: [] })
    expect(error.issues.map((issue) => issue.path)).toEqual(['from', 'to'])
  })

  it('names the bad entry in a recipient list', () => {
    expect(optionsError({ ...valid, to: ['ops@example.org', 'nobody'] }).issues.map((issue) => issue.path)).toEqual([
      'to.1',
    ])
  })

  it('rejects headers the notifier sets itself and header values with line breaks', () => {
    const error = optionsError({
      ...valid,
      headers: { 'Message-ID': '<x@y>', 'X-Cronwarden-Job': 'x', 'X-Tag': 'a\r\nBcc: victim@example.net' },
    })
    expect(error.issues).toEqual([
      { path: 'headers.Message-ID', message: 'is set by the notifier or by its own option' },
      { path: 'headers.X-Cronwarden-Job', message: 'is set by the notifier or by its own option' },
      { path: 'headers.X-Tag', message: 'a header value must not contain a line break' },
    ])
  })

  it('rejects a timeout that is not a positive whole number of milliseconds', () => {
    expect(optionsError({ ...valid, timeoutMs: 0 }).issues[0]?.path).toBe('timeoutMs')
    expect(optionsError({ ...valid, timeoutMs: 1.5 }).issues[0]?.path).toBe('timeoutMs')
  })

  it('rejects a Message-ID domain that is not a domain name', () => {
    expect(optionsError({ ...valid, messageIdDomain: 'exa mple.org' }).issues[0]?.path).toBe('messageIdDomain')
  })
})

describe('senderDomain', () => {
  it('takes the domain of the sender address, in ASCII and lower case', () => {
    expect(senderDomain('cron alerts <alerts@Example.ORG>')).toBe('example.org')
    expect(senderDomain('alerts@bücher.example')).toBe('xn--bcher-kva.example')
    expect(senderDomain('"a@b" <alerts@example.org>')).toBe('example.org')
  })

  it('finds none in a text without exactly one address', () => {
    expect(senderDomain('cron alerts')).toBeNull()
    expect(senderDomain('a@example.org, b@example.org')).toBeNull()
  })
})
