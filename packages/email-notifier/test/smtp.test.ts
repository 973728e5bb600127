import { inspect } from 'node:util'
import { createEmailNotifier } from '@cronwarden/email-notifier'
import { createTransport } from 'nodemailer'
import { afterEach, describe, expect, it } from 'vitest'
import { everyEvent, futureEvent } from '../../../test-support/sample-events.js'
import { notify, rejection } from './support/notify.js'
import { closedPort, type SmtpSink, startSilentServer, startSmtpSink } from './support/smtp-sink.js'

const [failuresEvent, longRunningEvent, recoveredEvent, missedRunEvent, stillFailingEvent] = everyEvent

const from = 'cron alerts <alerts@example.org>'
const credentials = { user: 'alerts@example.org', pass: 'pa55:w/rd-8f3k2q' }
const cleanups: Array<() => Promise<void>> = []

afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()))
})

async function sink(options?: Parameters<typeof startSmtpSink>[0]): Promise<SmtpSink> {
  const started = await startSmtpSink(options)
  cleanups.push(started.close)
  return started
}

describe('createEmailNotifier against a real SMTP server', () => {
  it('delivers a failure alert: envelope, subject, both bodies and the custom headers', async () => {
    const server = await sink()
    await notify({ transport: server.url(), from, to: 'ops@example.org' }, failuresEvent)

    expect(server.received).toHaveLength(1)
    const [mail] = server.received
    expect(mail?.from).toBe('alerts@example.org')
    expect(mail?.recipients).toEqual(['ops@example.org'])
    const parsed = mail?.parsed
    expect(parsed?.subject).toBe('assignment-reminders failed 2 times in a row')
    expect(parsed?.from?.value).toEqual([{ name: 'cron alerts', address: 'alerts@example.org' }])
    expect(parsed?.text).toContain('connect ECONNREFUSED 10.0.0.5:5432')
    expect(parsed?.text).toMatch(/Last success: +2026-11-26 03:00:04 UTC/)
    expect(parsed?.html).toContain('<td style="padding:4px 0;vertical-align:top">2</td>')
    expect(parsed?.messageId).toMatch(/^<incident\.[0-9a-f]{32}@example\.org>$/)
    expect(parsed?.headers.get('x-cronwarden-job')).toBe('assignment-reminders')
    expect(parsed?.headers.get('x-cronwarden-run-id')).toBe(failuresEvent.run_id)
    expect(parsed?.headers.get('x-cronwarden-event')).toBe('consecutive_failures')
    expect(parsed?.headers.get('auto-submitted')).toBe('auto-generated')
  })

  it.each([
    ['long_running', longRunningEvent, 'assignment-reminders is still running after 30 min'],
    ['recovered', recoveredEvent, 'assignment-reminders recovered after 3 failures'],
    ['missed_run', missedRunEvent, 'assignment-reminders did not run at 2026-11-30 03:00:00 UTC'],
    ['still_failing', stillFailingEvent, 'Still failing: assignment-reminders (3 failures in a row)'],
    // A type this version does not know (a newer sender's) still arrives, as its fields.
    ['quota_exceeded', futureEvent, 'assignment-reminders: quota_exceeded'],
  ] as const)('delivers a %s email with its subject and both bodies', async (type, event, subject) => {
    const server = await sink()
    await notify({ transport: server.url(), from, to: 'ops@example.org' }, event)
    const parsed = server.received[0]?.parsed
    expect(parsed?.subject).toBe(subject)
    expect(parsed?.headers.get('x-cronwarden-event')).toBe(type)
    expect(parsed?.text).toContain(event.run_id)
    expect(parsed?.html).toContain(event.run_id)
  })

  it('threads the recovery under the failure: In-Reply-To and References name the failure', async () => {
    const server = await sink()
    const options = { transport: server.url(), from, to: 'ops@example.org' }
    await notify(options, failuresEvent)
    await notify(options, recoveredEvent)
    const [root, reply] = server.received.map((mail) => mail.parsed)
    expect(root?.inReplyTo).toBeUndefined()
    expect(reply?.inReplyTo).toBe(root?.messageId)
    expect(reply?.references).toBe(root?.messageId)
    expect(reply?.messageId).not.toBe(root?.messageId)
  })

  it('threads a still_failing reminder under the failure alert of the same incident', async () => {
    const server = await sink()
    const options = { transport: server.url(), from, to: 'ops@example.org' }
    await notify(options, failuresEvent)
    await notify(options, stillFailingEvent)
    await notify(options, recoveredEvent)
    const [root, reminder, recovered] = server.received.map((mail) => mail.parsed)
    expect(reminder?.inReplyTo).toBe(root?.messageId)
    expect(reminder?.references).toBe(root?.messageId)
    expect(reminder?.headers.get('x-cronwarden-incident')).toBe(root?.headers.get('x-cronwarden-incident'))
    expect(new Set([root?.messageId, reminder?.messageId, recovered?.messageId]).size).toBe(3)
  })

  it('shows HTML in the error message as text in the HTML body', async () => {
    const server = await sink()
    const hostile = {
      ...failuresEvent,
      error_message: '<script>alert(1)</script><a href="https://evil.example">login</a>',
    }
    await notify({ transport: server.url(), from, to: 'ops@example.org' }, hostile)
    const html = server.received[0]?.parsed.html
    expect(html).not.toContain('<script>')
    expect(html).not.toContain('<a href')
    expect(html).toContain(
      '&lt;script&gt;alert(1)&lt;/script&gt;&lt;a href=&quot;https://evil.example&quot;&gt;login&lt;/a&gt;',
    )
  })

  it('sends one email to several recipients, cc and bcc included', async () => {
    const server = await sink()
    await notify(
      {
        transport: server.url(),
        from,
        to: ['ops@example.org', 'Team Lead <lead@example.org>'],
        cc: 'audit@example.org',
        bcc: ['archive@example.org'],
      },
      failuresEvent,
    )
    expect(server.received).toHaveLength(1)
    expect(server.received[0]?.recipients).toEqual([
      'ops@example.org',
      'lead@example.org',
      'audit@example.org',
      'archive@example.org',
    ])
    expect(server.received[0]?.parsed.headers.get('bcc')).toBeUndefined()
  })

  it('adds the configured headers and subject prefix', async () => {
    const server = await sink()
    await notify(
      {
        transport: server.url(),
        from,
        to: 'ops@example.org',
        subjectPrefix: '[cron]',
        headers: { 'X-PM-Message-Stream': 'outbound' },
      },
      failuresEvent,
    )
    const parsed = server.received[0]?.parsed
    expect(parsed?.subject).toBe('[cron] assignment-reminders failed 2 times in a row')
    expect(parsed?.headers.get('x-pm-message-stream')).toBe('outbound')
  })

  it('authenticates with the credentials in the SMTP URL', async () => {
    const server = await sink({ auth: credentials })
    await notify({ transport: server.url(credentials), from, to: 'ops@example.org' }, failuresEvent)
    expect(server.received).toHaveLength(1)
  })

  it('authenticates with nodemailer options (ignoreTLS, auth)', async () => {
    const server = await sink({ auth: credentials })
    await notify(
      {
        transport: { host: '127.0.0.1', port: server.port, secure: false, ignoreTLS: true, auth: credentials },
        from,
        to: 'ops@example.org',
      },
      failuresEvent,
    )
    expect(server.received).toHaveLength(1)
  })

  it('fails a wrong password with EAUTH at the auth stage, and no secret anywhere in the error', async () => {
    const server = await sink({ auth: credentials })
    const wrong = { user: credentials.user, pass: 'wrong-Secret-93xk' }
    const url = server.url(wrong)
    const error = await rejection(notify({ transport: url, from, to: 'ops@example.org' }, failuresEvent))

    expect(error.stage).toBe('auth')
    expect(error.code).toBe('EAUTH')
    expect(error.responseCode).toBe(535)
    expect(error.message).toBe(
      `Alert email not sent: SMTP authentication failed [EAUTH 535] at 127.0.0.1:${server.port}: 535 Authentication credentials invalid`,
    )
    const everything = inspect(error, { depth: 10, showHidden: true })
    for (const secret of [
      wrong.pass,
      encodeURIComponent(wrong.pass),
      url,
      Buffer.from(wrong.pass).toString('base64'),
    ]) {
      expect(everything).not.toContain(secret)
    }
    expect(everything).toContain('SmtpError')
    expect(server.received).toHaveLength(0)
  })

  it('fails when the server requires AUTH and none is configured', async () => {
    const server = await sink({ auth: credentials })
    const error = await rejection(notify({ transport: server.url(), from, to: 'ops@example.org' }, failuresEvent))
    expect(error.stage).toBe('auth')
    expect(error.responseCode).toBe(530)
    expect(error.message).toMatch(/authentication required/i)
  })

  it('fails a recipient rejected with 550 at the recipients stage, naming it', async () => {
    const server = await sink({ rejectRecipients: ['gone@example.org'] })
    const error = await rejection(notify({ transport: server.url(), from, to: 'gone@example.org' }, failuresEvent))
    expect(error.stage).toBe('recipients')
    expect(error.code).toBe('EENVELOPE')
    expect(error.responseCode).toBe(550)
    expect(error.message).toContain('Mailbox gone@example.org does not exist')
    expect(server.received).toHaveLength(0)
  })

  it('fails when one of several recipients is rejected, saying who got the alert', async () => {
    const server = await sink({ rejectRecipients: ['gone@example.org'] })
    const error = await rejection(
      notify({ transport: server.url(), from, to: ['ops@example.org', 'gone@example.org'] }, failuresEvent),
    )
    expect(error.stage).toBe('recipients')
    expect(error.rejectedRecipients).toEqual(['gone@example.org'])
    expect(error.responseCode).toBe(550)
    expect(error.message).toContain('the alert went to ops@example.org only')
    expect(server.received.map((mail) => mail.recipients)).toEqual([['ops@example.org']])
  })

  it('gives up on a server that accepts the connection and never answers, at the greeting stage', async () => {
    const silent = await startSilentServer()
    cleanups.push(silent.close)
    const error = await rejection(
      notify(
        { transport: `smtp://127.0.0.1:${silent.port}`, from, to: 'ops@example.org', timeoutMs: 400 },
        failuresEvent,
      ),
    )
    expect(error.stage).toBe('greeting')
    expect(error.code).toBe('ETIMEDOUT')
  })

  it('ends a send in progress when the signal aborts, and closes the connection', async () => {
    const silent = await startSilentServer()
    cleanups.push(silent.close)
    const controller = new AbortController()
    const sending = notify(
      { transport: `smtp://127.0.0.1:${silent.port}`, from, to: 'ops@example.org', timeoutMs: 60_000 },
      failuresEvent,
      controller.signal,
    )
    const socket = await silent.nextConnection()
    const closed = new Promise((resolve) => socket.once('close', resolve))
    controller.abort(new Error('notifier time is up'))

    const error = await rejection(sending)
    expect(error.stage).toBe('aborted')
    expect(error.message).toContain('notifier time is up')
    await closed
  })

  it('ends at timeoutMs when the transport function never settles', async () => {
    const error = await rejection(
      notify(
        { transport: () => new Promise<string>(() => {}), from, to: 'ops@example.org', timeoutMs: 100 },
        failuresEvent,
      ),
    )
    expect(error.stage).toBe('timeout')
    expect(error.code).toBe('ETIMEDOUT')
    expect(error.message).toContain('not finished within timeoutMs (100 ms)')
  })

  it('ends at timeoutMs when a transporter the caller built never settles', async () => {
    const hanging = { sendMail: () => new Promise<never>(() => {}) }
    const error = await rejection(
      notify({ transport: hanging, from, to: 'ops@example.org', timeoutMs: 100 }, failuresEvent),
    )
    expect(error.stage).toBe('timeout')
  })

  it('fails a refused connection at the connect stage', async () => {
    const port = await closedPort()
    const error = await rejection(
      notify({ transport: `smtp://127.0.0.1:${port}`, from, to: 'ops@example.org' }, failuresEvent),
    )
    expect(error.stage).toBe('connect')
    expect(error.message).toContain(`at 127.0.0.1:${port}`)
  })

  it('resolves a transport function before every send, so a rotated secret is used', async () => {
    const server = await sink({ auth: credentials })
    let calls = 0
    const notifier = createEmailNotifier({
      transport: async () => {
        calls += 1
        return server.url(credentials)
      },
      from,
      to: 'ops@example.org',
    })
    await notifier.notify(failuresEvent, { signal: new AbortController().signal })
    await notifier.notify(recoveredEvent, { signal: new AbortController().signal })
    expect(calls).toBe(2)
    expect(server.received).toHaveLength(2)
  })

  it('fails at the resolve-transport stage when the transport function throws', async () => {
    const error = await rejection(
      notify(
        {
          transport: async () => {
            throw new Error('Vault secret "ops_smtp_url" does not exist')
          },
          from,
          to: 'ops@example.org',
        },
        failuresEvent,
      ),
    )
    expect(error.stage).toBe('resolve-transport')
    expect(error.message).toContain('Vault secret "ops_smtp_url" does not exist')
  })

  it('never quotes an unusable value returned by the transport function', async () => {
    const error = await rejection(
      notify(
        { transport: async () => 'https://user:hunter2-secret@example.org', from, to: 'ops@example.org' },
        failuresEvent,
      ),
    )
    expect(error.stage).toBe('resolve-transport')
    expect(inspect(error, { depth: 10 })).not.toContain('hunter2-secret')
  })

  it('sends through a transporter the caller built', async () => {
    const server = await sink()
    const transporter = createTransport({ host: '127.0.0.1', port: server.port, secure: false, ignoreTLS: true })
    await notify({ transport: transporter, from, to: 'ops@example.org' }, failuresEvent)
    expect(server.received).toHaveLength(1)
    transporter.close()
  })
})
