import { createMemoryStore, silentLogger, withFailureAlerting } from '@cronwarden/core'
import { createEmailNotifier } from '@cronwarden/email-notifier'
import { afterEach, describe, expect, it } from 'vitest'
import { type SmtpSink, startSmtpSink } from './support/smtp-sink.js'

let server: SmtpSink | undefined

afterEach(async () => {
  await server?.close()
})

describe('withFailureAlerting with the email notifier', () => {
  it('sends exactly one email for two failures, none for the third, and threads the recovery under it', async () => {
    server = await startSmtpSink()
    const store = createMemoryStore()
    let failing = true
    const job = async () => {
      if (failing) throw new Error('push service answered 503 <Service Unavailable>')
      return 'sent 12 reminders'
    }
    const run = withFailureAlerting(job, {
      jobName: 'assignment-follow-up-reminders',
      store,
      notifiers: [createEmailNotifier({ transport: server.url(), from: 'alerts@example.org', to: 'ops@example.org' })],
      notifyOnRecovery: true,
      logger: silentLogger,
    })

    await expect(run()).rejects.toThrow('push service answered 503')
    expect(server.received).toHaveLength(0)
    await expect(run()).rejects.toThrow('push service answered 503')
    expect(server.received).toHaveLength(1)
    await expect(run()).rejects.toThrow('push service answered 503')
    expect(server.received).toHaveLength(1)

    const alert = server.received[0]?.parsed
    expect(alert?.subject).toBe('assignment-follow-up-reminders failed 2 times in a row')
    expect(alert?.text).toContain('push service answered 503 <Service Unavailable>')
    expect(alert?.html).toContain('push service answered 503 &lt;Service Unavailable&gt;')

    failing = false
    await expect(run()).resolves.toBe('sent 12 reminders')
    expect(server.received).toHaveLength(2)
    const recovery = server.received[1]?.parsed
    expect(recovery?.subject).toBe('assignment-follow-up-reminders recovered after 3 failures')
    expect(recovery?.inReplyTo).toBe(alert?.messageId)

    const runs = await store.listRuns({ jobName: 'assignment-follow-up-reminders' })
    const deliveries = runs.flatMap((row) => row.deliveries)
    expect(deliveries.map(({ notifier, event_type, status }) => ({ notifier, event_type, status }))).toEqual([
      { notifier: 'email', event_type: 'recovered', status: 'delivered' },
      { notifier: 'email', event_type: 'consecutive_failures', status: 'delivered' },
    ])
  })

  it('records a failed delivery with the SMTP stage when the server rejects the recipient, and keeps the job outcome', async () => {
    server = await startSmtpSink({ rejectRecipients: ['ops@example.org'] })
    const store = createMemoryStore()
    const jobError = new Error('database unreachable')
    const run = withFailureAlerting(
      async () => {
        throw jobError
      },
      {
        jobName: 'nightly-export',
        store,
        failureThreshold: 1,
        notifiers: [
          createEmailNotifier({ transport: server.url(), from: 'alerts@example.org', to: 'ops@example.org' }),
        ],
        logger: silentLogger,
      },
    )

    await expect(run()).rejects.toBe(jobError)
    const [row] = await store.listRuns({ jobName: 'nightly-export' })
    expect(row?.status).toBe('failed')
    expect(row?.deliveries).toHaveLength(1)
    expect(row?.deliveries[0]?.status).toBe('failed')
    expect(row?.deliveries[0]?.error_message).toMatch(/^Alert email not sent: the SMTP server rejected a recipient/)
    expect(row?.deliveries[0]?.error_message).toContain('550')
  })
})
