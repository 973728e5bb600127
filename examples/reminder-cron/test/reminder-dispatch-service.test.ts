import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { createMemoryStore, silentLogger } from '@cronwarden/core'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { serverAvailable } from '../../../test-support/test-database.js'
import { registerActivity } from '../src/activities.ts'
import { type ReminderSink, startReminderSink } from '../src/reminder-sink.ts'
import { createAssignment, createMentor, daysAfter, daysBefore } from '../src/seed.ts'
import { createReminderCron, JOB_NAME } from '../supabase/functions/_shared/compose.ts'
import { type Db, fromPg } from '../supabase/functions/_shared/db.ts'
import {
  createHttpReminderSender,
  type HttpReminderSender,
} from '../supabase/functions/_shared/http-reminder-sender.ts'
import { createReminderDispatchService } from '../supabase/functions/_shared/reminder-dispatch-service.ts'
import {
  createServerDatabase,
  databaseBackends,
  dispatchRows,
  type ServerDatabase,
  truncateDomain,
} from './support/databases.ts'
import { sourceEnv } from './support/source-env.ts'

const today = new Date('2026-01-15T06:00:00.000Z')
const hasServer = await serverAvailable()

const backends = await databaseBackends()

describe.each(backends)('the reminder dispatch service on $name', ({ open }) => {
  let db: Db
  let close: () => Promise<void>
  let sink: ReminderSink
  let sender: HttpReminderSender
  let mentorId: number

  beforeAll(async () => {
    ;({ db, close } = await open())
  })
  afterAll(async () => close())
  beforeEach(async () => {
    await truncateDomain(db)
    sink = await startReminderSink()
    sender = createHttpReminderSender({ url: sink.url, timeoutMs: 5_000 })
    mentorId = await createMentor(db, 'Mentor A', 'mentor-a@example.org')
  })
  afterEach(async () => {
    await sender.close()
    await sink.close()
  })

  const service = (now = today, batchSize = 500) =>
    createReminderDispatchService({ db, sender, now: () => now, batchSize, concurrency: 8 })
  const assignment = (daysSinceContact: number, status: 'active' | 'paused' | 'closed' = 'active') =>
    createAssignment(db, { mentorId, lastContactDate: daysBefore(today, daysSinceContact), status })

  it('sends one reminder to each active assignment without contact for its interval, and none to others', async () => {
    const due = [await assignment(14), await assignment(30)]
    await assignment(13)
    await assignment(40, 'paused')
    await assignment(40, 'closed')

    const summary = await service().run({ runId: 'run-1' })

    expect(summary).toEqual({ due: 2, sent: 2, failed: 0, already_sent: 0, first_error: null })
    expect(sink.received.map((reminder) => reminder.body.assignment_id).sort()).toEqual(due)
    const rows = await dispatchRows(db)
    expect(rows.map((row) => row.status)).toEqual(['sent', 'sent'])
    expect(rows.map((row) => row.idempotency_key).sort()).toEqual([...sink.byKey.keys()].sort())
  })

  it('sends nothing on a second run for the same due dates', async () => {
    await assignment(20)
    await service().run({ runId: 'run-1' })
    const second = await service(daysAfter(today, 1)).run({ runId: 'run-2' })
    expect(second).toEqual({ due: 0, sent: 0, failed: 0, already_sent: 0, first_error: null })
    expect(sink.received).toHaveLength(1)
  })

  it('reminds again once a new contact has lapsed for a full interval', async () => {
    const assignmentId = await assignment(20)
    await service().run({ runId: 'run-1' })
    await registerActivity(db, { assignmentId, occurredAt: today, registeredBy: 'mentor-a', kind: 'direct' })
    expect((await service(daysAfter(today, 13)).run({ runId: 'run-2' })).due).toBe(0)
    expect((await service(daysAfter(today, 14)).run({ runId: 'run-3' })).sent).toBe(1)
    expect(new Set(sink.received.map((reminder) => reminder.idempotencyKey)).size).toBe(2)
  })

  it('pages through due assignments in batches and sends each exactly once', async () => {
    for (let index = 0; index < 23; index++) await assignment(15 + index)
    const summary = await service(today, 5).run({ runId: 'run-1' })
    expect(summary.sent).toBe(23)
    expect(sink.byKey.size).toBe(23)
    expect([...sink.byKey.values()].every((count) => count === 1)).toBe(true)
  })

  it('records a failed send and retries it on the next run with the same idempotency key', async () => {
    await assignment(20)
    sink.setDown(true)
    const failed = await service().run({ runId: 'run-1' })
    expect(failed).toEqual({
      due: 1,
      sent: 0,
      failed: 1,
      already_sent: 0,
      first_error: 'reminder service answered 503',
    })
    const [failedRow] = await dispatchRows(db)
    expect(failedRow).toMatchObject({ status: 'failed', attempts: 1, last_error: 'reminder service answered 503' })

    sink.setDown(false)
    const retried = await service(daysAfter(today, 1)).run({ runId: 'run-2' })
    expect(retried).toMatchObject({ due: 1, sent: 1, failed: 0 })
    expect([...sink.byKey.keys()]).toEqual([failedRow?.idempotency_key])
    expect((await dispatchRows(db))[0]).toMatchObject({ status: 'sent', attempts: 2, last_error: null })
  })

  it('stores a send error whole, never cut inside an emoji', async () => {
    await assignment(20)
    const message = `${'x'.repeat(999)}😀 the reminder service is down`
    const failing = {
      send: async () => {
        throw new Error(message)
      },
    }
    await createReminderDispatchService({ db, sender: failing, now: () => today }).run({ runId: 'run-1' })
    expect((await dispatchRows(db))[0]?.last_error).toBe(message)
  })
})

describe.skipIf(!hasServer)(
  'the reminder dispatch service against concurrent runs and crashes (PostgreSQL server)',
  () => {
    let server: ServerDatabase
    let sink: ReminderSink | undefined

    beforeEach(async () => {
      server = await createServerDatabase()
    })
    afterEach(async () => {
      await sink?.close()
      sink = undefined
      await server.drop()
    })

    it('sends each reminder exactly once when two cron runs overlap with the lock disabled', async () => {
      sink = await startReminderSink()
      const mentorId = await createMentor(server.db, 'Mentor A', 'mentor-a@example.org')
      await server.db.query(
        `insert into reminders.assignments (mentor_id, last_contact_date)
         select $1, $2::timestamptz - make_interval(days => 14 + g % 10) from generate_series(1, 600) as g`,
        [mentorId, today.toISOString()],
      )
      // Two workers, each with its own pool and HTTP client, sharing only the database (and a
      // store, so both runs are recorded), with cronwarden's overlap lock off.
      const store = createMemoryStore()
      const senders = [createHttpReminderSender({ url: sink.url }), createHttpReminderSender({ url: sink.url })]
      const runs = senders.map((sender, index) =>
        createReminderCron({
          db: index === 0 ? server.db : fromPg(server.newPool()),
          sender,
          store,
          notifiers: [],
          lock: false,
          now: () => today,
          dispatch: { batchSize: 40, concurrency: 16 },
          logger: silentLogger,
        })(),
      )
      const summaries = await Promise.all(runs)
      await Promise.all(senders.map((sender) => sender.close()))

      expect(sink.byKey.size).toBe(600)
      expect([...sink.byKey.values()].every((count) => count === 1)).toBe(true)
      expect(summaries.reduce((total, summary) => total + summary.sent, 0)).toBe(600)
      for (const summary of summaries) {
        expect(summary.failed).toBe(0)
        expect(summary.sent + summary.already_sent).toBe(summary.due)
      }
      expect((await dispatchRows(server.db)).every((row) => row.status === 'sent' && row.attempts === 1)).toBe(true)
      expect((await store.listRuns({ jobName: JOB_NAME })).map((run) => run.status)).toEqual(['succeeded', 'succeeded'])
    })

    it.each([
      { crash: 'its process is killed', mode: 'kill' },
      { crash: 'it loses its database connection', mode: 'disconnect' },
    ] as const)(
      'retries a reminder whose run crashed between send and confirmation ($crash) with the same key, after the stale timeout',
      async ({ mode }) => {
        // The crash happens while the push service holds the reminder: it is delivered, but
        // its confirmation is never written.
        let crashNow = async () => {}
        sink = await startReminderSink({ onReminder: () => crashNow() })
        const mentorId = await createMentor(server.db, 'Mentor A', 'mentor-a@example.org')
        await createAssignment(server.db, { mentorId, lastContactDate: daysBefore(today, 20) })
        const sender = createHttpReminderSender({ url: sink.url })
        const staleClaimMs = 10 * 60_000
        const runAt = (now: Date, db: Db) =>
          createReminderDispatchService({ db, sender, now: () => now, staleClaimMs }).run({ runId: now.toISOString() })

        if (mode === 'kill') {
          const worker = spawn(
            process.execPath,
            ['--import', 'tsx', 'test/support/dispatch-once.ts', server.url, sink.url, today.toISOString()],
            { cwd: fileURLToPath(new URL('../', import.meta.url)), env: sourceEnv(), stdio: 'inherit' },
          )
          const exited = new Promise((resolve) => worker.once('exit', (_code, signal) => resolve(signal)))
          crashNow = async () => {
            crashNow = async () => {}
            worker.kill('SIGKILL')
            await exited
          }
          expect(await exited).toBe('SIGKILL')
        } else {
          const pool = server.newPool()
          crashNow = async () => {
            crashNow = async () => {}
            await pool.end()
          }
          await expect(runAt(today, fromPg(pool))).rejects.toThrow()
        }
        const [claimed] = await dispatchRows(server.db)
        expect(claimed).toMatchObject({ status: 'claimed', attempts: 1 })

        // Before the timeout the claim may still belong to a live run: leave it alone.
        const early = await runAt(new Date(today.getTime() + staleClaimMs - 1_000), server.db)
        expect(early).toMatchObject({ due: 1, sent: 0, already_sent: 1 })

        const late = await runAt(new Date(today.getTime() + staleClaimMs), server.db)
        expect(late).toMatchObject({ due: 1, sent: 1, already_sent: 0 })
        await sender.close()

        expect([...sink.byKey.entries()]).toEqual([[claimed?.idempotency_key, 2]])
        expect((await dispatchRows(server.db))[0]).toMatchObject({ status: 'sent', attempts: 2 })
      },
    )
  },
)
