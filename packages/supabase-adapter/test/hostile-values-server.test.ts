// Nothing a job, a notifier or a logger throws breaks the wrapper on the real server either:
// the caller gets the job's own outcome, the run row closes with text PostgreSQL accepts, the
// other notifier still gets its alert, and nothing is left unhandled.
import { type Logger, silentLogger, withFailureAlerting } from '@cronwarden/core'
import { describeError, MAX_ERROR_MESSAGE_LENGTH } from '@cronwarden/core/plugin'
import { createRecordingNotifier, hostileValues } from '@cronwarden/core/testing'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { serverAvailable } from '../../../test-support/test-database.js'
import { createSupabaseDatabase, type SupabaseDatabase } from './support/supabase-database.js'

const available = await serverAvailable()

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/

const expectStorable = (text: string | null | undefined) => {
  expect(text).toEqual(expect.any(String))
  expect(text?.length).toBeLessThanOrEqual(MAX_ERROR_MESSAGE_LENGTH)
  expect(text).not.toMatch(LONE_SURROGATE)
}

describe.skipIf(!available)('hostile user code on the PostgreSQL server', () => {
  let db: SupabaseDatabase
  const unhandled: unknown[] = []
  const onUnhandled = (reason: unknown) => unhandled.push(reason)

  beforeAll(async () => {
    db = await createSupabaseDatabase()
    process.on('unhandledRejection', onUnhandled)
  })
  afterAll(async () => {
    process.off('unhandledRejection', onUnhandled)
    await db?.drop()
  })

  it("gives the caller the job's own outcome and closes the run, whatever jobs, notifiers and loggers throw", async () => {
    const hostile = hostileValues()
    // Values travel as thunks: fast-check cannot print or shrink a Proxy whose traps throw.
    const plainValue = fc
      .anything({ withBigInt: true, withNullPrototype: true, withBoxedValues: true, withMap: true, withSet: true })
      .map((value) => () => value)
    // Any UTF-16 units: lone surrogates and NUL included, which PostgreSQL text refuses.
    const rawText = fc.string({ unit: fc.nat({ max: 0xffff }).map((code) => String.fromCharCode(code)), maxLength: 40 })
    const anyValue = fc.oneof(
      plainValue,
      fc.nat({ max: hostile.length - 1 }).map((index) => () => hostile[index]),
      rawText.map((text) => () => text),
      rawText.map((text) => () => new Error(text)),
    )
    let runs = 0

    await fc.assert(
      fc.asyncProperty(
        fc.record({
          jobFails: fc.boolean(),
          throwsSynchronously: fc.boolean(),
          thrown: anyValue,
          // Results are awaited (a `then` getter that throws rejects in any async code), so
          // they are plain values; anything at all is thrown.
          returned: plainValue,
          notifierValue: anyValue,
          notifierThrowsSynchronously: fc.boolean(),
          loggerValue: fc.option(anyValue, { nil: undefined }),
        }),
        async (scenario) => {
          const jobName = `hostile-${runs++}`
          const value = scenario.jobFails ? scenario.thrown() : scenario.returned()
          const other = createRecordingNotifier({ name: 'other' })
          const notifierValue = scenario.notifierValue()
          const hostileNotifier = {
            name: 'hostile',
            notify: scenario.notifierThrowsSynchronously
              ? () => {
                  throw notifierValue
                }
              : () => Promise.reject(notifierValue),
          }
          const loggerValue = scenario.loggerValue?.()
          const throwing = () => {
            throw loggerValue
          }
          const logger: Logger = scenario.loggerValue
            ? { info: throwing, warn: throwing, error: throwing }
            : silentLogger
          const job = scenario.jobFails
            ? scenario.throwsSynchronously
              ? () => {
                  throw value
                }
              : () => Promise.reject(value)
            : async () => value
          const run = withFailureAlerting(job, {
            jobName,
            store: db.store,
            notifiers: [hostileNotifier, other],
            failureThreshold: 1,
            logger,
          })

          const settled = await run().then(
            (result: unknown) => ({ ok: true, value: result }),
            (error: unknown) => ({ ok: false, value: error }),
          )
          expect(settled.ok).toBe(!scenario.jobFails)
          expect(Object.is(settled.value, value)).toBe(true)

          const [row] = await db.store.listRuns({ jobName })
          expect(row?.status).toBe(scenario.jobFails ? 'failed' : 'succeeded')
          if (!scenario.jobFails) return
          // The same text every store keeps for it.
          expectStorable(row?.error_message)
          expect(row?.error_message).toBe(describeError(value))
          expect(other.events).toEqual([expect.objectContaining({ type: 'consecutive_failures', job_name: jobName })])
          const [entry] = await db.store.listAlerts({ jobName })
          const states = Object.fromEntries(entry?.notifiers.map((state) => [state.notifier, state]) ?? [])
          expect(states.other?.status).toBe('delivered')
          expect(states.hostile?.status).toBe('failed')
          expectStorable(states.hostile?.last_error)
        },
      ),
      { numRuns: 50 },
    )

    // Rejections are reported a turn after they happen.
    await new Promise((resolve) => setTimeout(resolve, 10))
    expect(unhandled).toEqual([])
    const [open] = await db.sql.unsafe(
      "select count(*)::int as running from cronwarden.cron_execution_logs where status = 'running'",
    )
    expect(open?.running, 'runs left running').toBe(0)
  })
})
