import { createMemoryStore } from '@cronwarden/core'
import { createRecordingNotifier } from '@cronwarden/core/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { JOB_NAME } from '../src/compose.js'
import { runScenario, type ScenarioResult } from '../src/scenario.js'
import { createEmbeddedDatabase, type EmbeddedDatabase } from './support/databases.js'

describe('the example scenario on embedded PGlite', () => {
  const alerts = createRecordingNotifier({ name: 'alerts' })
  const lines: string[] = []
  let embedded: EmbeddedDatabase
  let result: ScenarioResult

  beforeAll(async () => {
    embedded = await createEmbeddedDatabase()
    result = await runScenario({
      db: embedded.db,
      monitoring: { store: createMemoryStore(), notifiers: [alerts] },
      print: (line) => lines.push(line),
      start: new Date('2026-01-15T06:00:00.000Z'),
    })
  })
  afterAll(async () => embedded.close())

  it('records a success, two failures while the push service is down, then a success that resets the streak', () => {
    expect(result.runs.map((run) => [run.status, run.consecutive_failure_count])).toEqual([
      ['succeeded', 0],
      ['failed', 2],
      ['failed', 1],
      ['succeeded', 0],
    ])
  })

  it('alerts once, at the second failure, with the run’s error', () => {
    expect(alerts.events).toHaveLength(1)
    expect(alerts.events[0]).toMatchObject({
      type: 'consecutive_failures',
      job_name: JOB_NAME,
      consecutive_failure_count: 2,
      error_message: '9 of 9 reminder sends failed (first error: reminder service answered 503)',
    })
  })

  it('stores each run’s summary, retries the failed sends on the recovery day, and delivers each once', () => {
    const summaries = result.runs.map((run) => run.summary).reverse()
    expect(summaries).toEqual([
      { due: 98, sent: 98, failed: 0, already_sent: 0, first_error: null },
      { due: 2, sent: 0, failed: 2, already_sent: 0, first_error: 'reminder service answered 503' },
      { due: 9, sent: 0, failed: 9, already_sent: 0, first_error: 'reminder service answered 503' },
      { due: 16, sent: 16, failed: 0, already_sent: 0, first_error: null },
    ])
    expect(result.deliveriesByKey.size).toBe(98 + 16)
    expect([...result.deliveriesByKey.values()].every((count) => count === 1)).toBe(true)
  })

  it('narrates the bulk registration that took five assignments off the due list', () => {
    expect(lines).toContain(
      'day 2: a coordinator registered a group session for 5 assignments due today (one bulk insert)',
    )
  })
})
