import { OptionsError } from '@cronwarden/core'
import { hostileValues } from '@cronwarden/core/testing'
import { describe, expect, it } from 'vitest'
import { createEmailNotifier } from './email-notifier.js'
import type { EmailNotifierOptions } from './options.js'
import { senderDomain } from './options.js'

const valid: EmailNotifierOptions = {
  transport: 'smtps://apikey:SG.secret-key@smtp.example.org:465',
  from: 'cron alerts <alerts@example.org>',
  to: 'ops@example.org',
}

const CONTROL_MESSAGE = 'must not contain control characters (line breaks, NUL) or bidirectional controls'

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
    expect(error.issues).toEqual([
      {
        path: 'transport',
        message: 'expected an smtp:// or smtps:// URL (the value is not shown: it may hold a password)',
      },
    ])
    expect(error.message).not.toContain('hunter2-secret')
  })

  it('does not quote what comes before the first colon of a transport value, which may be a password', () => {
    for (const transport of ['hunter2:x', { url: 'hunter2:x' }]) {
      const error = optionsError({ ...valid, transport })
      expect(error.issues.map((issue) => issue.path)).toEqual(['transport'])
      expect(error.message).not.toContain('hunter2')
    }
  })

  it('refuses a hostile transport value with an OptionsError, never by throwing what reading it throws', () => {
    for (const transport of hostileValues()) {
      try {
        // A plain object, however odd, is SMTP options and is accepted.
        createEmailNotifier({ ...valid, transport } as EmailNotifierOptions)
      } catch (error) {
        expect(error).toBeInstanceOf(OptionsError)
        expect((error as OptionsError).issues.map((issue) => issue.path)).toEqual(['transport'])
      }
    }
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

  it('rejects headers the notifier sets itself and header values with control characters', () => {
    const error = optionsError({
      ...valid,
      headers: {
        'Message-ID': '<x@y>',
        'X-Cronwarden-Job': 'x',
        'X-Tag': 'a\r\nBcc: victim@example.net',
        'X-Nul': 'a\u0000b',
        'X-Bidi': 'stream\u202Eeulav',
      },
    })
    expect(error.issues).toEqual([
      { path: 'headers.Message-ID', message: 'is set by the notifier or by its own option' },
      { path: 'headers.X-Cronwarden-Job', message: 'is set by the notifier or by its own option' },
      { path: 'headers.X-Tag', message: CONTROL_MESSAGE },
      { path: 'headers.X-Nul', message: CONTROL_MESSAGE },
      { path: 'headers.X-Bidi', message: CONTROL_MESSAGE },
    ])
  })

  it.each([
    ['from', { from: 'alerts@example.org\r\nRCPT TO:<evil@example.org>' }, 'from'],
    ['from (display name)', { from: 'cron\u0000alerts <alerts@example.org>' }, 'from'],
    ['to', { to: 'ops@example.org\nRCPT TO:<evil@example.org>' }, 'to'],
    ['to (list entry)', { to: ['ops@example.org', 'lead@example.org\r'] }, 'to.1'],
    ['cc', { cc: 'audit@example.org\u0085' }, 'cc'],
    ['bcc', { bcc: ['archive@example.org\t'] }, 'bcc.0'],
    ['replyTo', { replyTo: 'Ops \u202Egro.elpmaxe@spo <ops@example.org>' }, 'replyTo'],
    ['subjectPrefix', { subjectPrefix: '[cron]\r\nBcc: victim@example.net' }, 'subjectPrefix'],
  ])('rejects control and bidirectional control characters in %s, naming the field', (_field, bad, path) => {
    const error = optionsError({ ...valid, ...bad })
    expect(error.issues).toEqual([{ path, message: CONTROL_MESSAGE }])
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
