import { randomBytes } from 'node:crypto'
import { afterEach, describe, expect, it } from 'vitest'
import { parseJsonOutput, runCli } from './support/cli.js'
import { type CaseFolder, createCaseFolder, literal } from './support/config-case.js'
import { type SlackStandIn, startSlackStandIn } from './support/slack-stand-in.js'
import { type SmtpStandIn, startSmtpStandIn } from './support/smtp-stand-in.js'

// test-alert needs no database: only the notifiers of the config. Each test bundles its
// config (real Slack and email notifiers, pointed at local stand-ins) into its own folder.

let slack: SlackStandIn | undefined
let smtp: SmtpStandIn | undefined
let folder: CaseFolder | undefined

afterEach(async () => {
  await Promise.all([slack?.close(), smtp?.close(), folder?.remove()])
  slack = smtp = folder = undefined
})

interface TestAlertJson {
  ok: boolean
  event: { type: string; job_name: string; run_id: string; error_message: string }
  outcomes: Array<{ notifier: string; status: string; error: string | null }>
}

describe('test-alert', () => {
  it('exits non-zero, names each failed notifier and why, and prints no webhook URL or SMTP password', async () => {
    slack = await startSlackStandIn({ status: 404, body: 'no_service' })
    smtp = await startSmtpStandIn({ rejectAuth: true })
    const user = 'alerts@example.org'
    const password = `pw-${randomBytes(10).toString('hex')}`
    const smtpUrl = `smtp://${encodeURIComponent(user)}:${password}@127.0.0.1:${smtp.port}`
    folder = await createCaseFolder()
    await folder.bundleConfig(`
      import { defineConfig } from '@cronwarden/cli'
      import { createEmailNotifier } from '@cronwarden/email-notifier'
      import { createSlackNotifier } from '@cronwarden/slack-notifier'

      export default defineConfig({
        notifiers: [
          createSlackNotifier({ webhookUrl: ${literal(slack.webhookUrl)} }),
          createEmailNotifier({ transport: ${literal(smtpUrl)}, from: 'cron alerts <alerts@example.org>', to: 'ops@example.org' }),
        ],
      })
    `)

    const [text, json] = await Promise.all([
      runCli(['test-alert'], { cwd: folder.dir }),
      runCli(['test-alert', '--json'], { cwd: folder.dir }),
    ])

    expect(text.code).toBe(1)
    expect(text.stdout).toContain('✗ slack: failed: Slack rejected the alert with HTTP 404: no_service')
    expect(text.stdout).toContain('✗ email: failed: Alert email not sent: SMTP authentication failed')
    expect(text.stdout).toContain('2 of 2 notifier(s) failed: slack, email.')
    expect(json.code).toBe(1)
    const report = parseJsonOutput<TestAlertJson>(json)
    expect(report.ok).toBe(false)
    expect(report.outcomes.map(({ notifier, status }) => ({ notifier, status }))).toEqual([
      { notifier: 'slack', status: 'failed' },
      { notifier: 'email', status: 'failed' },
    ])
    expect(report.outcomes[1]?.error).toMatch(/SMTP authentication failed \[EAUTH 535\]/)

    // Both channels were really tried: the webhook was posted to, the login was attempted.
    expect(slack.requests.map((request) => request.path)).toEqual([slack.webhookPath, slack.webhookPath])
    expect(smtp.authAttempts.length).toBeGreaterThanOrEqual(2)

    for (const output of [text.stdout + text.stderr, json.stdout + json.stderr]) {
      expect(output).not.toContain(slack.token)
      expect(output).not.toContain(slack.webhookPath)
      expect(output).not.toContain(slack.webhookUrl)
      expect(output).not.toContain(password)
      expect(output).not.toContain(smtpUrl)
    }
  })

  it('delivers a sample consecutive_failures event marked as a test through Slack and email, and exits 0', async () => {
    slack = await startSlackStandIn({ status: 200, body: 'ok' })
    smtp = await startSmtpStandIn()
    folder = await createCaseFolder()
    await folder.bundleConfig(`
      import { defineConfig } from '@cronwarden/cli'
      import { createEmailNotifier } from '@cronwarden/email-notifier'
      import { createSlackNotifier } from '@cronwarden/slack-notifier'

      export default defineConfig({
        notifiers: [
          createSlackNotifier({ webhookUrl: ${literal(slack.webhookUrl)} }),
          createEmailNotifier({
            transport: { host: '127.0.0.1', port: ${smtp.port}, secure: false, ignoreTLS: true },
            from: 'cron alerts <alerts@example.org>',
            to: 'ops@example.org',
          }),
        ],
      })
    `)

    const result = await runCli(['test-alert'], { cwd: folder.dir })

    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(/^✓ slack: delivered in /m)
    expect(result.stdout).toMatch(/^✓ email: delivered in /m)
    expect(result.stdout).toContain('All 2 notifier(s) accepted the test alert.')
    expect(result.stderr).toContain('Sending a test alert through 2 notifier(s)')

    expect(slack.requests).toHaveLength(1)
    const payload = slack.requests[0]?.body as { text: string; blocks: unknown[] }
    expect(payload.text).toContain('cronwarden-test-alert failed 2 times in a row')
    expect(payload.text).toContain('TEST ALERT')
    expect(JSON.stringify(payload.blocks)).toContain('TEST ALERT')

    expect(smtp.received).toHaveLength(1)
    const email = smtp.received[0]
    expect(email?.subject).toBe('cronwarden-test-alert failed 2 times in a row')
    expect(email?.text).toContain('TEST ALERT')
    expect(email?.headers.get('x-cronwarden-job')).toBe('cronwarden-test-alert')
    expect(String(email?.headers.get('x-cronwarden-run-id'))).toMatch(/^test-alert:/)
  })

  it('prints the test event and each outcome as one JSON document with --json, with progress kept off stdout', async () => {
    slack = await startSlackStandIn()
    folder = await createCaseFolder()
    await folder.bundleConfig(`
      import { createSlackNotifier } from '@cronwarden/slack-notifier'
      export default { notifiers: [createSlackNotifier({ name: 'ops-slack', webhookUrl: ${literal(slack.webhookUrl)} })] }
    `)

    const result = await runCli(['test-alert', '--json'], { cwd: folder.dir })

    expect(result.code).toBe(0)
    const report = parseJsonOutput<TestAlertJson>(result)
    expect(report.ok).toBe(true)
    expect(report.event).toMatchObject({ type: 'consecutive_failures', job_name: 'cronwarden-test-alert' })
    expect(report.event.run_id).toMatch(/^test-alert:/)
    expect(report.outcomes).toEqual([
      expect.objectContaining({ notifier: 'ops-slack', status: 'delivered', error: null }),
    ])
  })
})
