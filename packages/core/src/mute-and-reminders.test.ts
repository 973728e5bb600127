import { describe, expect, it } from 'vitest'
import { deliverPendingAlerts } from './deliver-pending-alerts.js'
import { silentLogger } from './logger.js'
import { createMemoryStore } from './memory-store.js'
import { createRecordingNotifier } from './testing/recording-notifier.js'
import { withFailureAlerting } from './with-failure-alerting.js'

const jobName = 'nightly-export'
const HOUR = 3_600_000
const DAY = 24 * HOUR

/** A daily job on a memory store whose clock the test moves, failing while `broken` is set. */
function dailyJob(options: { realertEveryMs?: number } = {}) {
  let now = new Date('2026-01-05T06:00:00Z')
  const store = createMemoryStore({ now: () => now })
  const notifier = createRecordingNotifier()
  const state = { broken: true }
  const run = withFailureAlerting(
    async () => {
      if (state.broken) throw new Error('export bucket refused the upload')
    },
    { jobName, store, notifiers: [notifier], notifyOnRecovery: true, logger: silentLogger, now: () => now, ...options },
  )
  /** Runs the job a day after the previous run; a failure is the job's, not the test's. */
  const nextDay = async () => {
    now = new Date(now.getTime() + DAY)
    await run().catch(() => {})
  }
  return { store, notifier, state, nextDay, now: () => now }
}

describe('reminders while still down (realertEveryMs)', () => {
  it('sends exactly one alert per streak by default', async () => {
    const { notifier, nextDay } = dailyJob()
    for (let day = 0; day < 10; day++) await nextDay()
    expect(notifier.events.map((event) => event.type)).toEqual(['consecutive_failures'])
  })

  it('sends one still_failing per interval while the same streak stays open, then the recovery', async () => {
    const { notifier, state, nextDay } = dailyJob({ realertEveryMs: 3 * DAY })
    for (let day = 0; day < 10; day++) await nextDay()
    state.broken = false
    await nextDay()
    expect(notifier.events.map((event) => [event.type, 'down_since' in event ? event.down_since : null])).toEqual([
      ['consecutive_failures', '2026-01-06T06:00:00.000Z'],
      ['still_failing', '2026-01-06T06:00:00.000Z'],
      ['still_failing', '2026-01-06T06:00:00.000Z'],
      ['still_failing', '2026-01-06T06:00:00.000Z'],
      ['recovered', '2026-01-06T06:00:00.000Z'],
    ])
    expect(notifier.events[1]).toMatchObject({
      consecutive_failure_count: 4,
      down_for_ms: 3 * DAY,
      error_message: 'export bucket refused the upload',
      realert_every_ms: 3 * DAY,
    })
  })

  it('rejects an interval that is not a positive number of milliseconds, naming the field', () => {
    const store = createMemoryStore()
    expect(() => withFailureAlerting(async () => {}, { jobName, store, realertEveryMs: 0 })).toThrow(/realertEveryMs/)
  })
})

describe('mute', () => {
  it('records alerts decided while muted as muted, never sends them, and keeps counting', async () => {
    const { store, notifier, nextDay, now } = dailyJob()
    await store.muteJob({ jobName, until: new Date(now().getTime() + 2.5 * DAY) })
    await nextDay()
    await nextDay()
    expect(notifier.events).toEqual([])
    const [alert] = await store.listAlerts({ jobName })
    expect(alert).toMatchObject({ status: 'muted', event_type: 'consecutive_failures' })
    const [run] = await store.listRuns({ jobName })
    expect(run?.deliveries).toEqual([
      expect.objectContaining({ notifier: 'recording', event_type: 'consecutive_failures', status: 'muted' }),
    ])
    // The mute ends: nothing is replayed, by the next run or by a sweep.
    await nextDay()
    await deliverPendingAlerts({ store, notifiers: [notifier], logger: silentLogger })
    expect(notifier.events).toEqual([])
    expect((await store.getJob({ jobName }))?.consecutive_failure_count).toBe(3)
  })

  it('sends no recovery after the mute ends for an incident whose alert was muted', async () => {
    const { store, notifier, state, nextDay, now } = dailyJob()
    await store.muteJob({ jobName, until: new Date(now().getTime() + 2.5 * DAY) })
    await nextDay()
    await nextDay()
    await nextDay()
    state.broken = false
    await nextDay()
    expect(notifier.events).toEqual([])
    expect((await store.listAlerts({ jobName, limit: 1 }))[0]).toMatchObject({
      status: 'muted',
      event_type: 'recovered',
    })
    // The next incident is announced, and so is its end.
    state.broken = true
    await nextDay()
    await nextDay()
    state.broken = false
    await nextDay()
    expect(notifier.events.map((event) => event.type)).toEqual(['consecutive_failures', 'recovered'])
  })

  it('sends the recovery of an incident whose alert went out before the mute', async () => {
    const { store, notifier, state, nextDay, now } = dailyJob()
    await nextDay()
    await nextDay()
    await store.muteJob({ jobName, until: new Date(now().getTime() + 1.5 * DAY) })
    await nextDay()
    await store.muteJob({ jobName, until: null })
    state.broken = false
    await nextDay()
    expect(notifier.events.map((event) => event.type)).toEqual(['consecutive_failures', 'recovered'])
  })
})
