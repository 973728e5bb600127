import { createSlackNotifier } from '@cronwarden/slack-notifier'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runScenario, type ScenarioResult } from '../src/scenario.js'
import { type SlackSink, startSlackSink } from '../src/slack-sink.js'
import { createEmbeddedDatabase, type EmbeddedDatabase } from './support/databases.js'

describe('the example scenario on embedded PGlite, on a simulated clock', () => {
  const lines: string[] = []
  let embedded: EmbeddedDatabase
  let slack: SlackSink
  let result: ScenarioResult
  const lineIndex = (pattern: RegExp) => lines.findIndex((line) => pattern.test(line))

  beforeAll(async () => {
    embedded = await createEmbeddedDatabase()
    slack = await startSlackSink()
    result = await runScenario({
      db: embedded.db,
      notifiers: [createSlackNotifier({ webhookUrl: slack.url })],
      opsChannel: slack,
      print: (line) => lines.push(line),
      start: new Date('2026-01-12T06:00:00.000Z'),
      // Frozen within each day: every run starts and ends at its day's 06:00:00.000.
      elapsedMs: () => 0,
    })
  })
  afterAll(async () => {
    await slack?.close()
    await embedded?.close()
  })

  it('records a success, two failures while the push service is down, then a success that resets the streak', () => {
    expect(result.runs.map((run) => [run.status, run.consecutive_failure_count])).toEqual([
      ['succeeded', 0],
      ['failed', 2],
      ['failed', 1],
      ['succeeded', 0],
    ])
  })

  it('stamps each run with its own simulated day', () => {
    expect(result.runs.map((run) => run.started_at).reverse()).toEqual([
      '2026-01-12T06:00:00.000Z',
      '2026-01-13T06:00:00.000Z',
      '2026-01-14T06:00:00.000Z',
      '2026-01-15T06:00:00.000Z',
    ])
  })

  it('posts one Slack alert and prints it under day 3’s failed run, before day 4', () => {
    expect(slack.messages).toHaveLength(1)
    const alerts = lines.filter((line) => line.includes('Slack alert, as the ops channel shows it:'))
    expect(alerts).toHaveLength(1)
    const day3 = lineIndex(/^day 3: 2026-01-14 06:00 UTC, push service DOWN$/)
    const day3Run = lineIndex(/^ {2}run failed in 0 ms, consecutive failures 2: 9 of 9 reminder sends failed/)
    const alert = lineIndex(/Slack alert, as the ops channel shows it:/)
    const day4 = lineIndex(/^day 4: /)
    expect(day3).toBeGreaterThan(-1)
    expect(day3Run).toBeGreaterThan(day3)
    expect(alert).toBeGreaterThan(day3Run)
    expect(day4).toBeGreaterThan(alert)
  })

  it('renders the alert as the channel shows it: the error, the day 3 start, the day 2 streak start, the day 1 success', () => {
    const alert = lineIndex(/Slack alert, as the ops channel shows it:/)
    expect(lines.slice(alert + 1, alert + 10)).toEqual([
      '  ┃ 🔴 assignment-follow-up-reminders failed 2 times in a row',
      '  ┃ Error',
      '  ┃   9 of 9 reminder sends failed (first error: reminder service answered 503)',
      '  ┃ Failures in a row  2 (alert threshold 2)',
      '  ┃ Duration           0 ms',
      '  ┃ Started            2026-01-14 06:00:00 UTC',
      '  ┃ Failing since      2026-01-13 06:00:00 UTC',
      `  ┃ Run id             ${result.runs[1]?.run_id}`,
      '  ┃ Last successful run: 2026-01-12 06:00:00 UTC',
    ])
  })

  it('says why the first failure did not alert', () => {
    const day2 = lineIndex(/^day 2: /)
    expect(lines[day2 + 3]).toBe('  no alert: one is sent when failures in a row reach 2')
  })

  it('prints no Block Kit JSON unless asked to', () => {
    expect(lines.some((line) => line.includes('"blocks"') || line.includes('Block Kit payload'))).toBe(false)
  })

  it('ends with the execution log as a table listing every run, oldest first, and the alert’s delivery', () => {
    const title = lines.indexOf('Execution log (store.listRuns), oldest first:')
    expect(title).toBeGreaterThan(lineIndex(/^day 4: /))
    const rows = lines.slice(title + 4, title + 8).map((line) =>
      line
        .split('│')
        .slice(1, -1)
        .map((cell) => cell.trim()),
    )
    const [day4, day3, day2, day1] = result.runs.map((run) => run.run_id.slice(0, 8))
    const failure = (due: number) =>
      `${due} of ${due} reminder sends failed (first error: reminder service answered 503)`
    expect(rows).toEqual([
      [day1, 'succeeded', '2026-01-12 06:00:00 UTC', '0 ms', '0', ''],
      [day2, 'failed', '2026-01-13 06:00:00 UTC', '0 ms', '1', failure(2)],
      [day3, 'failed', '2026-01-14 06:00:00 UTC', '0 ms', '2', failure(9)],
      [day4, 'succeeded', '2026-01-15 06:00:00 UTC', '0 ms', '0', ''],
    ])
    expect(lines[title + 8]).toMatch(/^└/)
    expect(lines).toContain(`Run ${day3}: consecutive_failures alert delivered to slack at 2026-01-14 06:00:00 UTC`)
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

  it('narrates the bulk registration that took five assignments off the due list, on day 2 before its run', () => {
    const day2 = lineIndex(/^day 2: 2026-01-13 06:00 UTC, push service DOWN$/)
    expect(lines[day2 + 1]).toBe(
      '  a coordinator registered a group session for 5 assignments due today (one bulk insert)',
    )
    expect(lines[day2 + 2]).toMatch(/^ {2}run failed in 0 ms, consecutive failures 1: 2 of 2 reminder sends failed/)
  })
})
