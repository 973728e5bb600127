import { type ChildProcess, spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { silentLogger } from '@cronwarden/core'
import { SignJWT } from 'jose'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createReminderCron, JOB_NAME } from '../src/compose.js'
import { createHttpReminderSender, type HttpReminderSender } from '../src/http-reminder-sender.js'
import { createSupabaseMonitoring, ensureSlackWebhookSecret, prepareMonitoringSchema } from '../src/monitoring.js'
import { type ReminderSink, startReminderSink } from '../src/reminder-sink.js'
import { createAssignment, createMentor, lastContactDate } from '../src/seed.js'
import { type SlackSink, startSlackSink } from '../src/slack-sink.js'
import { createServerDatabase, type ServerDatabase, serverAvailable } from './support/databases.js'
import { writeDenoTestConfig } from './support/deno-config.js'

const jwtSecret = 'test-only-jwt-secret-with-at-least-32-characters'
const here = (path: string) => fileURLToPath(new URL(path, import.meta.url))
const hasServer = await serverAvailable()

async function token(role: string) {
  return new SignJWT({ role: 'authenticated', app_metadata: { role } })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(`${role}-1`)
    .setExpirationTime('1h')
    .sign(new TextEncoder().encode(jwtSecret))
}

interface RunningFunction {
  url: string
  process: ChildProcess
  removeConfig: () => Promise<void>
}

/** Starts an Edge Function under Deno on a free port; resolves with its base URL. */
async function startFunction(name: string, env: Record<string, string>): Promise<RunningFunction> {
  const config = await writeDenoTestConfig()
  const deno = spawn(
    here('../node_modules/.bin/deno'),
    [
      'run',
      '--config',
      config.path,
      '--allow-net',
      '--allow-env',
      '--allow-read',
      '--allow-sys',
      here(`../supabase/functions/${name}/index.ts`),
    ],
    {
      env: {
        ...process.env,
        NO_COLOR: '1',
        DENO_SERVE_ADDRESS: 'tcp:127.0.0.1:0',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  )
  return new Promise((resolve, reject) => {
    let output = ''
    const onData = (chunk: Buffer) => {
      output += chunk.toString()
      const match = /Listening on (http:\/\/[^/\s]+)/.exec(output)
      if (match?.[1]) resolve({ url: match[1], process: deno, removeConfig: config.remove })
    }
    deno.stdout.on('data', onData)
    deno.stderr.on('data', onData)
    deno.once('exit', (code) => reject(new Error(`deno exited with ${code} before listening:\n${output}`)))
  })
}

async function stopFunction(running: RunningFunction | undefined) {
  if (!running) return
  if (running.process.exitCode === null && running.process.signalCode === null) {
    const exited = new Promise((resolve) => running.process.once('exit', resolve))
    running.process.kill()
    await exited
  }
  await running.removeConfig()
}

describe.skipIf(!hasServer)('the admin Edge Function under Deno against the PostgreSQL server', () => {
  let server: ServerDatabase
  let edge: RunningFunction | undefined
  let assignmentId: number

  beforeAll(async () => {
    server = await createServerDatabase()
    const mentorId = await createMentor(server.db, 'Mentor A', 'mentor-a@example.org')
    assignmentId = await createAssignment(server.db, { mentorId, lastContactDate: new Date('2026-01-10T08:00:00Z') })
    // The first run downloads the npm: packages into Deno's cache.
    edge = await startFunction('reminder-admin', { SUPABASE_DB_URL: server.url, ADMIN_JWT_SECRET: jwtSecret })
  }, 180_000)
  afterAll(async () => {
    await stopFunction(edge)
    await server?.drop()
  })

  const correct = async (bearer: string | null) =>
    fetch(`${edge?.url}/reminder-admin/assignments/${assignmentId}/last-contact-date`, {
      method: 'POST',
      headers: bearer ? { authorization: `Bearer ${bearer}` } : {},
      body: JSON.stringify({ last_contact_date: '2026-01-02', reason: 'entered on paper' }),
    })

  it('answers 401 without a token and 403 for a mentor', async () => {
    expect((await correct(null)).status).toBe(401)
    expect((await correct(await token('mentor'))).status).toBe(403)
  })

  it('sets the date and writes the audit row for a coordinator', async () => {
    const response = await correct(await token('coordinator'))
    expect(response.status).toBe(200)
    expect(await response.json()).toMatchObject({
      assignment: { id: assignmentId, last_contact_date: '2026-01-02T00:00:00.000Z' },
    })
    expect(await lastContactDate(server.db, assignmentId)).toEqual(new Date('2026-01-02T00:00:00Z'))
    const { rows } = await server.db.query<{ actor: string; reason: string }>(
      'select actor, reason from reminders.admin_audit_log where assignment_id = $1',
      [assignmentId],
    )
    expect(rows).toEqual([{ actor: 'coordinator-1', reason: 'entered on paper' }])
  })
})

describe.skipIf(!hasServer)('the dispatch Edge Function under Deno against the PostgreSQL server', () => {
  let server: ServerDatabase
  let sink: ReminderSink
  let slack: SlackSink
  let edge: RunningFunction | undefined

  beforeAll(async () => {
    server = await createServerDatabase()
    sink = await startReminderSink()
    slack = await startSlackSink()
    // What a deploy does once: cronwarden's migrations, and the Slack webhook URL in Vault.
    const pool = new pg.Pool({ connectionString: server.url, max: 1 })
    await prepareMonitoringSchema(pool).finally(() => pool.end())
    await ensureSlackWebhookSecret(server.db, slack.url)
    const mentorId = await createMentor(server.db, 'Mentor A', 'mentor-a@example.org')
    for (const daysAgo of [15, 20, 3]) {
      await createAssignment(server.db, { mentorId, lastContactDate: new Date(Date.now() - daysAgo * 86_400_000) })
    }
    edge = await startFunction('reminder-dispatch', { SUPABASE_DB_URL: server.url, REMINDER_SERVICE_URL: sink.url })
  }, 180_000)
  afterAll(async () => {
    await stopFunction(edge)
    await sink?.close()
    await slack?.close()
    await server?.drop()
  })

  const invoke = async () => {
    const response = await fetch(`${edge?.url}/reminder-dispatch`, { method: 'POST', body: '{}' })
    return { status: response.status, body: (await response.json()) as { summary?: unknown } }
  }

  it('sends the due reminders once, and nothing on a second call', async () => {
    expect(await invoke()).toEqual({
      status: 200,
      body: { ok: true, summary: { due: 2, sent: 2, failed: 0, already_sent: 0, first_error: null } },
    })
    expect((await invoke()).body.summary).toMatchObject({ due: 0, sent: 0 })
    expect(sink.byKey.size).toBe(2)
    expect([...sink.byKey.values()]).toEqual([1, 1])
  })

  it('answers 500 with the run error when the push service is down', async () => {
    await createAssignment(server.db, {
      mentorId: await createMentor(server.db, 'Mentor B', 'mentor-b@example.org'),
      lastContactDate: new Date(Date.now() - 30 * 86_400_000),
    })
    sink.setDown(true)
    expect(await invoke()).toEqual({
      status: 500,
      body: { ok: false, error: '1 of 1 reminder sends failed (first error: reminder service answered 503)' },
    })
    expect(slack.messages).toHaveLength(0)
  })

  it('alerts Slack once, through the Vault-held URL, when the second run in a row fails', async () => {
    expect((await invoke()).status).toBe(500)
    expect((await invoke()).status).toBe(500)
    expect(slack.messages).toHaveLength(1)
    expect(String(slack.messages[0]?.text)).toMatch(/assignment-follow-up-reminders.* failed 2 times in a row/)
    const { rows } = await server.db.query<{ status: string; consecutive_failure_count: number }>(
      `select status, consecutive_failure_count from cronwarden.cron_execution_logs
        where job_name = 'assignment-follow-up-reminders' order by started_at desc, id desc`,
    )
    expect(rows.map((row) => [row.status, row.consecutive_failure_count])).toEqual([
      ['failed', 3],
      ['failed', 2],
      ['failed', 1],
      ['succeeded', 0],
      ['succeeded', 0],
    ])
  })
})

describe.skipIf(!hasServer)('the alert-sweeper Edge Function under Deno against the PostgreSQL server', () => {
  let server: ServerDatabase
  let sink: ReminderSink
  let slack: SlackSink
  let sender: HttpReminderSender
  let edge: RunningFunction | undefined

  beforeAll(async () => {
    server = await createServerDatabase()
    sink = await startReminderSink()
    slack = await startSlackSink()
    sender = createHttpReminderSender({ url: sink.url })
    await prepareMonitoringSchema(server.pool)
    await ensureSlackWebhookSecret(server.db, slack.url)
    await createAssignment(server.db, {
      mentorId: await createMentor(server.db, 'Mentor A', 'mentor-a@example.org'),
      lastContactDate: new Date(Date.now() - 20 * 86_400_000),
    })
    edge = await startFunction('alert-sweeper', { SUPABASE_DB_URL: server.url })
  }, 180_000)
  afterAll(async () => {
    await stopFunction(edge)
    await sender?.close()
    await sink?.close()
    await slack?.close()
    await server?.drop()
  })

  const sweep = async () => {
    const response = await fetch(`${edge?.url}/alert-sweeper`, { method: 'POST', body: '{}' })
    return { status: response.status, body: await response.json() }
  }

  it('delivers the alert Slack refused when the job failed twice, once, and nothing on the next sweep', async () => {
    // The production composition, as the reminder-dispatch function wires it, with retries
    // due after 1 ms instead of 30 s so the test need not wait.
    const runReminders = createReminderCron({
      db: server.db,
      sender,
      ...createSupabaseMonitoring(server.pool),
      retryDelayMs: 1,
      logger: silentLogger,
    })
    sink.setDown(true)
    slack.setDown(true)
    await expect(runReminders()).rejects.toThrow('reminder sends failed')
    await expect(runReminders()).rejects.toThrow('reminder sends failed')
    const store = createSupabaseMonitoring(server.pool).store
    const [pending] = await store.listAlerts({ jobName: JOB_NAME })
    expect(pending).toMatchObject({ status: 'pending', event_type: 'consecutive_failures' })
    expect(pending?.notifiers).toEqual([expect.objectContaining({ notifier: 'slack', status: 'failed', attempts: 1 })])
    expect(slack.messages).toHaveLength(0)

    slack.setDown(false)
    expect(await sweep()).toEqual({ status: 200, body: { ok: true, sent: 1 } })
    expect(slack.messages).toHaveLength(1)
    expect(String(slack.messages[0]?.text)).toMatch(/assignment-follow-up-reminders.* failed 2 times in a row/)
    expect(await sweep()).toEqual({ status: 200, body: { ok: true, sent: 0 } })
    expect(slack.messages).toHaveLength(1)
    const [delivered] = await store.listAlerts({ jobName: JOB_NAME })
    expect(delivered).toMatchObject({ alert_id: pending?.alert_id, status: 'delivered' })
    expect(delivered?.notifiers).toEqual([
      expect.objectContaining({ notifier: 'slack', status: 'delivered', attempts: 2 }),
    ])
  })
})
