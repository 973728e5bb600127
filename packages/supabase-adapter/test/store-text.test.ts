// The text this store keeps is the text every other store keeps: the same clipped error
// message, and the same refusal of a job name it cannot store, whoever calls it.
import { createMemoryStore, type ExecutionLogStore, silentLogger, withFailureAlerting } from '@cronwarden/core'
import { clipText, describeError } from '@cronwarden/core/plugin'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { serverAvailable } from '../../../test-support/test-database.js'
import { createSupabaseStore } from '../src/index.js'
import { alertSpec as alert, longRunningEvent } from './support/store-inputs.js'
import { createSupabaseDatabase, type SupabaseDatabase } from './support/supabase-database.js'

const available = await serverAvailable()

/** Each call that takes a job name from its caller, rather than from a row. */
const callsNaming = (jobName: string) => {
  const at = new Date(Date.UTC(2026, 0, 5, 6))
  return {
    beginRun: (store: ExecutionLogStore) =>
      store.beginRun({ jobName, runId: 'a-run', leaseMs: 60_000, exclusive: true, host: null, alert }),
    recordMissedRun: (store: ExecutionLogStore) =>
      store.recordMissedRun({
        jobName,
        runId: 'missed-run',
        expectedAt: at,
        detectedAt: at,
        errorMessage: 'no run started',
        missed: { schedule: '0 6 * * *', timezone: 'UTC', lastRunAt: null },
        alert,
      }),
    enqueueAlert: (store: ExecutionLogStore) =>
      store.enqueueAlert({
        jobName,
        runId: 'a-run',
        event: longRunningEvent(jobName, 'a-run', at),
        alert,
      }),
  }
}

const rejection = (promise: Promise<unknown>) =>
  promise.then(
    () => 'resolved',
    (error: unknown) => ({ name: (error as Error).name, message: (error as Error).message }),
  )

describe.skipIf(!available)('error text and job names on the PostgreSQL server', () => {
  let db: SupabaseDatabase
  beforeAll(async () => {
    db = await createSupabaseDatabase()
  })
  afterAll(async () => {
    await db?.drop()
  })

  it('stores a 10 MB error thrown by a job exactly as the memory store does: its describeError text', async () => {
    const thrown = [
      new Error('e'.repeat(10_000_000)),
      'x'.repeat(10_000_000),
      // A cut at the limit would fall inside a surrogate pair.
      new Error(`a${'😀'.repeat(5_000_000)}`),
      new Error(`${'é'.repeat(4_000)}${'中'.repeat(6_000)}`),
    ]
    for (const [index, value] of thrown.entries()) {
      const jobName = `ten-megabytes-${index}`
      const stored = []
      for (const store of [createMemoryStore(), db.store]) {
        const run = withFailureAlerting(
          async () => {
            throw value
          },
          { jobName, store, logger: silentLogger },
        )
        await run().catch(() => {})
        stored.push((await store.listRuns({ jobName }))[0]?.error_message)
      }
      expect(stored[1]).toBe(stored[0])
      expect(stored[1]).toBe(describeError(value))
    }
  })

  it('clips in SQL exactly as core clips: the head, then " [truncated N characters]", 8000 characters in all', async () => {
    const lengths = [7_999, 8_000, 8_001, 8_030, 9_999, 10_000, 10_001, 99_999, 100_000, 1_000_000, 10_000_000]
    // An emoji is two UTF-16 units, which JavaScript counts and PostgreSQL does not.
    for (const length of lengths) {
      for (const unit of ['a', 'é', '中', '😀', 'a😀']) {
        const text = unit.repeat(Math.ceil(length / unit.length))
        const [row] = await db.sql.unsafe('select cronwarden.clip_error($1::text) as clipped', [text])
        expect(row?.clipped, `${length} × ${unit}`).toBe(clipText(text))
      }
    }
    // 10,000 units: the cut falls after unit 7,971, between the two halves of the emoji.
    const pairAtTheCut = `${'a'.repeat(7_970)}😀${'b'.repeat(2_028)}`
    expect(clipText(pairAtTheCut)).toMatch(/^a{7970} \[truncated 2030 characters\]$/)
    for (const text of [pairAtTheCut, `${'😀'.repeat(3_990)}${'é'.repeat(50)}`]) {
      const [row] = await db.sql.unsafe('select cronwarden.clip_error($1::text) as clipped', [text])
      expect(row?.clipped).toBe(clipText(text))
    }
    const [empty] = await db.sql.unsafe('select cronwarden.clip_error(null) as clipped')
    expect(empty?.clipped).toBeNull()
  })

  it('keeps a long error given straight to the store (a pg_cron message, a notifier error) clipped as core would', async () => {
    const jobName = 'direct-store-call'
    const started = await db.store.beginRun({
      jobName,
      runId: 'direct',
      leaseMs: 60_000,
      exclusive: true,
      host: null,
      alert: null,
    })
    expect(started.outcome).toBe('started')
    const message = 'stack frame\n'.repeat(2_000)
    await db.store.finishRun({
      jobName,
      runId: 'direct',
      status: 'failed',
      errorMessage: message,
      summary: null,
      alert: null,
    })
    expect((await db.store.listRuns({ jobName }))[0]?.error_message).toBe(clipText(message))
  })

  it('refuses a job name with a control or bidi character in each call that names a job, as the memory store does, before any query', async () => {
    let queries = 0
    const counting = createSupabaseStore({
      db: {
        unsafe: (text: string, parameters?: unknown[]) => {
          queries += 1
          return db.sql.unsafe(text, parameters as never[])
        },
      },
    })
    const memory = createMemoryStore()
    for (const jobName of ['nul\u0000inside', 'line\nbreak', 'right-to-left \u202Eevil', 'escape \u001b[31m']) {
      for (const [call, invoke] of Object.entries(callsNaming(jobName))) {
        const expected = await rejection(invoke(memory))
        expect(expected, `${call} on the memory store`).toMatchObject({ name: 'TypeError', message: /jobName/ })
        expect(await rejection(invoke(counting)), call).toEqual(expected)
      }
    }
    expect(queries).toBe(0)
  })
})
