import { inspect } from 'node:util'
import { OptionsError } from '@cronwarden/core'
import { hostileValues } from '@cronwarden/core/testing'
import type { EmailNotifierOptions } from '@cronwarden/email-notifier'
import { afterEach, describe, expect, it } from 'vitest'
import { failuresEvent } from '../../../test-support/sample-events.js'
import { notify, rejection } from './support/notify.js'
import { type SmtpSink, startSmtpSink } from './support/smtp-sink.js'

const from = 'cron alerts <alerts@example.org>'
const to = 'ops@example.org'
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/
const BIDI_CONTROL = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/

let server: SmtpSink | undefined

afterEach(async () => {
  await server?.close()
  server = undefined
})

/** Every way the error could be read: a log line, a stored row, a debugger. */
function renderings(error: unknown): string[] {
  return [inspect(error, { depth: 10, showHidden: true }), JSON.stringify(error), String(error)]
}

function isPlainObject(value: unknown): boolean {
  try {
    const prototype = typeof value === 'object' && value !== null ? Object.getPrototypeOf(value) : undefined
    return prototype === null || prototype === Object.prototype
  } catch {
    return false
  }
}

describe('the transport function', () => {
  it('does not let the SMTP URL, user or password its error quotes reach the message or the cause', async () => {
    const transport = async () => {
      throw new Error('bad url smtps://alerts%40example.org:hunter2@smtp.example.org:465', {
        cause: new Error('GET smtps://alerts%40example.org:hunter2@smtp.example.org:465 refused'),
      })
    }
    const error = await rejection(notify({ transport, from, to }))
    expect(error.stage).toBe('resolve-transport')
    expect(error.message).toBe('Alert email not sent: could not resolve the SMTP transport: bad url [URL]')
    expect(error.cause).toMatchObject({ message: 'bad url [URL]', cause: { message: 'GET [URL] refused' } })
    for (const text of renderings(error)) {
      expect(text).not.toContain('hunter2')
      expect(text).not.toContain('alerts%40example.org')
    }
  })

  it('never quotes a returned value that is not an SMTP URL, not even before its first colon', async () => {
    const error = await rejection(notify({ transport: async () => 'hunter2:x', from, to }))
    expect(error.stage).toBe('resolve-transport')
    for (const text of renderings(error)) expect(text).not.toContain('hunter2')
  })

  it('fails at the resolve-transport stage for each hostile value it rejects with, sending nothing', async () => {
    const sink = await startSmtpSink()
    server = sink
    for (const value of hostileValues()) {
      const error = await rejection(notify({ transport: () => Promise.reject(value), from, to }))
      expect(error.stage).toBe('resolve-transport')
      expect(error.message).toMatch(/^Alert email not sent: could not resolve the SMTP transport: ./)
    }
    expect(sink.envelopeAddresses).toEqual([])
  })

  it('fails at the resolve-transport stage for each hostile value it returns that is not an options object', async () => {
    // A plain object is SMTP options (nodemailer fills in the rest), so it would get as far as connecting.
    for (const value of hostileValues().filter((candidate) => !isPlainObject(candidate))) {
      const error = await rejection(notify({ transport: async () => value, from, to } as EmailNotifierOptions))
      expect(error.stage).toBe('resolve-transport')
    }
  })

  it.each([
    ['throws synchronously', () => JSON.parse('{')],
    [
      'rejects with a string quoting the SMTP URL',
      () => Promise.reject('no route to smtps://u:hunter2@smtp.example.org'),
    ],
    ['returns a Symbol describing the password', async () => Symbol('hunter2')],
    ['returns a number', async () => 42],
    ['returns undefined', async () => undefined],
    ['returns a transporter', async () => ({ sendMail: async () => ({}) })],
    [
      'returns options whose getter throws',
      async () => ({
        get host(): string {
          throw new Error('hunter2')
        },
      }),
    ],
  ])('fails at the resolve-transport stage, quoting nothing, when it %s', async (_case, transport) => {
    const sink = await startSmtpSink()
    server = sink
    const error = await rejection(notify({ transport, from, to } as EmailNotifierOptions))
    expect(error.stage).toBe('resolve-transport')
    for (const text of renderings(error)) expect(text).not.toContain('hunter2')
    expect(sink.envelopeAddresses).toEqual([])
  })
})

describe('a transporter the caller built', () => {
  it('fails at the send stage for each hostile value its sendMail rejects with', async () => {
    for (const value of hostileValues()) {
      const error = await rejection(notify({ transport: { sendMail: () => Promise.reject(value) }, from, to }))
      expect(error.stage).toBe('send')
    }
  })
})

describe('addresses with line breaks', () => {
  it.each([
    ['from', { from: 'alerts@example.org\r\nRCPT TO:<evil@example.org>' }],
    ['to', { to: 'ops@example.org\r\nRCPT TO:<evil@example.org>' }],
    ['cc', { cc: ['audit@example.org\nRCPT TO:<evil@example.org>'] }],
  ])('never reach the SMTP envelope: a line break in %s is an option error', async (field, bad) => {
    const sink = await startSmtpSink()
    server = sink
    const attempt = async () => notify({ transport: sink.url(), from, to, ...bad })
    const error = await attempt().then(
      () => undefined,
      (thrown: unknown) => thrown,
    )
    expect(error).toBeInstanceOf(OptionsError)
    expect((error as OptionsError).issues.map((issue) => issue.path)).toEqual([field === 'cc' ? 'cc.0' : field])
    expect(sink.envelopeAddresses).not.toContain('evil@example.org')
    expect(sink.received).toEqual([])
  })
})

describe('event text in a delivered email', () => {
  it('arrives with bidirectional controls and lone surrogates as U+FFFD, in the subject and both bodies', async () => {
    server = await startSmtpSink()
    const event = {
      ...failuresEvent,
      job_name: 'invoices\u202Efdp.exe',
      run_id: `run-\u2066${failuresEvent.run_id}\u2069`,
      error_message: 'cut in half: \uD83D, then \u202Ereversed',
    }
    await notify({ transport: server.url(), from, to }, event)
    const parsed = server.received[0]?.parsed
    expect(parsed?.subject).toBe('invoices\uFFFDfdp.exe failed 2 times in a row')
    for (const text of [parsed?.subject, parsed?.text, parsed?.html, parsed?.headers.get('x-cronwarden-job')]) {
      expect(typeof text).toBe('string')
      expect(text).not.toMatch(BIDI_CONTROL)
      expect(text).not.toMatch(LONE_SURROGATE)
    }
    expect(parsed?.text).toContain('cut in half: \uFFFD, then \uFFFDreversed')
  })
})
