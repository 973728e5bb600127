import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { beforeAll, describe, expect, it } from 'vitest'
import { sourceEnv } from './support/source-env.js'

const run = promisify(execFile)
const packageDir = fileURLToPath(new URL('..', import.meta.url))
const DAY_MS = 24 * 60 * 60 * 1000

async function example(args: string[] = []): Promise<string[]> {
  const env = sourceEnv()
  delete env.DATABASE_URL
  const { stdout } = await run(process.execPath, ['--import', 'tsx', 'src/main.ts', ...args], {
    cwd: packageDir,
    env,
    timeout: 120_000,
  })
  return stdout.split('\n')
}

/** The calendar date each `day N:` line names; the run times come from the simulated clock. */
function dayDates(lines: readonly string[]): string[] {
  return lines.flatMap((line) => /^day \d: (\d{4}-\d\d-\d\d) 06:00 UTC/.exec(line)?.[1] ?? [])
}

describe('pnpm example (src/main.ts) on a fresh embedded database', () => {
  let plain: string[]
  let withJson: string[]

  beforeAll(async () => {
    ;[plain, withJson] = await Promise.all([example(), example(['--', '--json'])])
  }, 180_000)

  it('narrates four consecutive days, each at the cron’s 06:00 UTC', () => {
    const dates = dayDates(plain)
    expect(dates).toHaveLength(4)
    const times = dates.map((date) => Date.parse(`${date}T06:00:00Z`))
    expect(times.slice(1).map((time, index) => time - (times[index] ?? 0))).toEqual([DAY_MS, DAY_MS, DAY_MS])
  })

  it('prints the one Slack alert right after day 3’s failed run, before day 4', () => {
    const alerts = plain.flatMap((line, index) =>
      line.includes('Slack alert, as the ops channel shows it:') ? [index] : [],
    )
    expect(alerts).toHaveLength(1)
    const day3 = plain.findIndex((line) => line.startsWith('day 3: '))
    expect(plain[day3 + 1]).toMatch(
      /^ {2}run failed in \d+ ms, consecutive failures 2: 9 of 9 reminder sends failed \(first error: reminder service answered 503\)$/,
    )
    expect(alerts[0]).toBe(day3 + 2)
    expect(plain.findIndex((line) => line.startsWith('day 4: '))).toBeGreaterThan(day3 + 2)
  })

  it('shows the alert as text: day 1 as the last successful run, day 2 as the start of the streak, day 3 as the run', () => {
    const [day1, day2, day3] = dayDates(plain)
    const alert = plain.findIndex((line) => line.includes('Slack alert, as the ops channel shows it:'))
    const shown = plain.slice(alert + 1, alert + 10)
    expect(shown[0]).toBe('  ┃ 🔴 assignment-follow-up-reminders failed 2 times in a row')
    expect(shown).toContain('  ┃   9 of 9 reminder sends failed (first error: reminder service answered 503)')
    expect(shown).toContain('  ┃ Failures in a row  2 (alert threshold 2)')
    expect(shown.find((line) => line.includes('Started'))).toMatch(new RegExp(`Started +${day3} 06:00:\\d\\d UTC$`))
    expect(shown.find((line) => line.includes('Failing since'))).toMatch(
      new RegExp(`Failing since +${day2} 06:00:\\d\\d UTC$`),
    )
    expect(shown[8]).toMatch(new RegExp(`^ {2}┃ Last successful run: ${day1} 06:00:\\d\\d UTC$`))
  })

  it('ends with the execution log table: every run on its own day, its status, streak and error', () => {
    const dates = dayDates(plain)
    const title = plain.indexOf('Execution log (store.listRuns), oldest first:')
    expect(title).toBeGreaterThan(plain.findIndex((line) => line.startsWith('day 4: ')))
    expect(plain[title + 2]?.split('│').map((cell) => cell.trim())).toEqual([
      '',
      'run',
      'status',
      'started',
      'duration',
      'consecutive failures',
      'error',
      '',
    ])
    const rows = plain.slice(title + 4, title + 8).map((line) => line.split('│').map((cell) => cell.trim()))
    expect(rows.map((cells) => [cells[2], cells[3]?.slice(0, 10), cells[5]])).toEqual([
      ['succeeded', dates[0], '0'],
      ['failed', dates[1], '1'],
      ['failed', dates[2], '2'],
      ['succeeded', dates[3], '0'],
    ])
    expect(plain[title + 8]).toMatch(/^└/)
    expect(plain).toContainEqual(
      expect.stringMatching(
        new RegExp(`^Run [0-9a-f]{8}: consecutive_failures alert delivered to slack at ${dates[2]} `),
      ),
    )
    expect(plain).toContain('The push service received 114 distinct reminders, 0 more than once.')
  })

  it('prints no Block Kit JSON without --json, and says how to see it', () => {
    expect(plain.some((line) => line.includes('"blocks"'))).toBe(false)
    expect(plain).toContain('Add --json (pnpm example -- --json) to also see the raw Block Kit payload.')
  })

  it('with --json, prints the payload posted to the webhook under the rendered alert', () => {
    const alert = withJson.findIndex((line) => line.includes('Slack alert, as the ops channel shows it:'))
    const title = withJson.indexOf('  Block Kit payload posted to the webhook:')
    expect(title).toBe(alert + 10)
    const end = withJson.indexOf('  }', title)
    const payload = JSON.parse(withJson.slice(title + 1, end + 1).join('\n')) as {
      text: string
      blocks: { type: string }[]
    }
    expect(payload.text).toMatch(/^🔴 assignment-follow-up-reminders failed 2 times in a row: 9 of 9 reminder sends/)
    expect(payload.blocks.map((block) => block.type)).toEqual(['header', 'section', 'context'])
    expect(withJson.filter((line) => line.includes('Block Kit payload posted'))).toHaveLength(1)
  })
})
