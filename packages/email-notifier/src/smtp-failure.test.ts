import { inspect } from 'node:util'
import { describe, expect, it } from 'vitest'
import { SmtpError } from './errors.js'
import { fromTransportError } from './smtp-failure.js'

const context = { notifierName: 'email', server: 'smtp.example.org:587', secrets: [] }

/** The shape of nodemailer's errors: an Error with code, command, response and friends. */
function transportError(message: string, fields: Record<string, unknown>): Error {
  return Object.assign(new Error(message), fields)
}

describe('fromTransportError', () => {
  it.each([
    ['dns', { code: 'EDNS', command: 'CONN' }],
    ['connect', { code: 'ETIMEDOUT', command: 'CONN', timeoutType: 'CONNECT_TIMEOUT' }],
    ['connect', { code: 'ESOCKET', command: 'CONN', originalCode: 'ECONNREFUSED' }],
    ['greeting', { code: 'ETIMEDOUT', command: 'CONN', timeoutType: 'GREETING_TIMEOUT' }],
    ['tls', { code: 'ETLS', command: 'CONN' }],
    ['tls', { code: 'ETIMEDOUT', command: 'CONN', timeoutType: 'UPGRADE_TIMEOUT' }],
    ['auth', { code: 'EAUTH', command: 'AUTH PLAIN', responseCode: 535 }],
    ['auth', { code: 'EENVELOPE', command: 'MAIL FROM', responseCode: 530 }],
    ['sender', { code: 'EENVELOPE', command: 'MAIL FROM', responseCode: 553 }],
    ['recipients', { code: 'EENVELOPE', command: 'RCPT TO', responseCode: 550 }],
    ['message', { code: 'EMESSAGE', command: 'DATA', responseCode: 554 }],
    ['protocol', { code: 'EPROTOCOL', command: 'CONN' }],
    ['connection', { code: 'ETIMEDOUT', command: 'CONN', timeoutType: 'SOCKET_TIMEOUT' }],
    ['connection', { code: 'ECONNECTION', command: 'CONN' }],
    ['send', {}],
  ])('names the %s stage for %o', (stage, fields) => {
    expect(fromTransportError(transportError('failed', fields), context).stage).toBe(stage)
  })

  it('states the stage, code, reply code and server, and prefers the server reply as the reason', () => {
    const error = fromTransportError(
      transportError("Can't send mail - all recipients were rejected: 550 5.1.1 no such mailbox", {
        code: 'EENVELOPE',
        command: 'RCPT TO',
        response: '550 5.1.1 no such mailbox',
        responseCode: 550,
        rejected: ['gone@example.org'],
      }),
      context,
    )
    expect(error.message).toBe(
      'Alert email not sent: the SMTP server rejected a recipient (gone@example.org) [EENVELOPE 550] at smtp.example.org:587: 550 5.1.1 no such mailbox',
    )
    expect(error).toMatchObject({ code: 'EENVELOPE', responseCode: 550, rejectedRecipients: ['gone@example.org'] })
  })

  it('keeps a scrubbed copy of the transport error as the cause, never the original', () => {
    const original = transportError('Invalid login: 535 user apikey-83hd72 rejected', {
      code: 'EAUTH',
      command: 'AUTH PLAIN AGFwaWtleS04M2hkNzIAczNjcmV0LXBhc3M=',
      response: '535 user apikey-83hd72 rejected',
      responseCode: 535,
      config: { auth: { user: 'apikey-83hd72', pass: 's3cret-pass' } },
    })
    const error = fromTransportError(original, { ...context, secrets: ['apikey-83hd72', 's3cret-pass'] })
    expect(error.cause).not.toBe(original)
    expect(error.cause).toBeInstanceOf(SmtpError)
    expect(error.cause).toMatchObject({ code: 'EAUTH', responseCode: 535, command: null })
    const everything = inspect(error, { depth: 10, showHidden: true })
    for (const secret of ['apikey-83hd72', 's3cret-pass', 'AGFwaWtleS04M2hkNzIAczNjcmV0LXBhc3M=']) {
      expect(everything).not.toContain(secret)
    }
    expect(error.message).toContain('535 user [redacted] rejected')
  })

  it('keeps nodemailer command names, which carry no arguments', () => {
    const error = fromTransportError(transportError('x', { code: 'EENVELOPE', command: 'RCPT TO' }), context)
    expect(error.cause).toMatchObject({ command: 'RCPT TO' })
  })

  it('removes a secret in its URL-encoded form too', () => {
    const error = fromTransportError(transportError('bad url smtp://u:p%40ss%2Fword@host', {}), {
      ...context,
      secrets: ['p@ss/word'],
    })
    expect(error.message).not.toContain('p%40ss%2Fword')
    expect(error.message).toContain('smtp://u:[redacted]@host')
  })

  it('describes something thrown that is not an Error', () => {
    expect(fromTransportError('socket hang up', context).message).toBe(
      'Alert email not sent: sending failed at smtp.example.org:587: socket hang up',
    )
  })
})
