import type { RunRecord } from '@cronwarden/core'
import { describe, expect, it } from 'vitest'
import { niceStep, renderDurationChart } from './duration-chart.js'
import { deriveIncidents } from './incidents.js'

const NOW = Date.parse('2026-11-30T12:00:00.000Z')
const DAY = 86_400_000

function run(startedAt: number, status: RunRecord['status'], durationMs: number | null, count = 0): RunRecord {
  return {
    run_id: `run-${startedAt}`,
    job_name: 'nightly',
    status,
    started_at: new Date(startedAt).toISOString(),
    finished_at: durationMs === null ? null : new Date(startedAt + durationMs).toISOString(),
    duration_ms: durationMs,
    error_message: status === 'failed' ? 'boom' : null,
    consecutive_failure_count: count,
    last_success_at: null,
    holder_run_id: null,
    host: null,
    summary: null,
    deliveries: [],
  }
}

const chart = (runs: RunRecord[]) =>
  renderDurationChart({
    jobName: 'nightly',
    runs,
    incidents: deriveIncidents(runs, []),
    windowStart: new Date(NOW - 90 * DAY).toISOString(),
    now: new Date(NOW).toISOString(),
  }).toString()

describe('renderDurationChart', () => {
  it('says there is nothing to draw when no run finished in the window', () => {
    expect(chart([run(NOW - DAY, 'running', null), run(NOW - DAY, 'skipped', 0)])).toContain(
      'No finished runs in this window.',
    )
  })

  it('draws a dot per success and a cross per failed or abandoned run, and no point for missed or skipped rows', () => {
    const svg = chart([
      run(NOW - 30 * DAY, 'succeeded', 1_000),
      run(NOW - 20 * DAY, 'failed', 2_000, 1),
      run(NOW - 15 * DAY, 'missed', 60_000),
      run(NOW - 12 * DAY, 'skipped', 0),
      run(NOW - 10 * DAY, 'abandoned', 3_000, 2),
      run(NOW - 5 * DAY, 'succeeded', 500),
    ])
    expect(svg.match(/<circle class="ok"/g)).toHaveLength(2)
    expect(svg.match(/<path class="fail"/g)).toHaveLength(2)
    expect(svg).toContain('<title>failed, 2026-11-10 12:00:00 UTC, 2.0 s: boom</title>')
  })

  it('shades the time the job was down, to its recovery', () => {
    const svg = chart([run(NOW - 3 * DAY, 'failed', 1_000, 1), run(NOW - DAY, 'succeeded', 1_000)])
    expect(svg).toMatch(
      /<rect class="down"[^>]*><title>down since 2026-11-27 12:00:00 UTC, recovered 2026-11-29 12:00:01 UTC<\/title>/,
    )
  })

  it('labels a time axis of weeks with dates and the duration axis in readable units', () => {
    const svg = chart([run(NOW - 60 * DAY, 'succeeded', 90_000), run(NOW - DAY, 'succeeded', 150_000)])
    expect(svg).toMatch(/<text class="x-label"[^>]*>(Oct|Nov) \d+<\/text>/)
    expect(svg).toContain('>2 min</text>')
    expect(svg).toContain('>0 ms</text>')
  })

  it('labels a time axis of years with months, a few ticks only', () => {
    const svg = renderDurationChart({
      jobName: 'yearly',
      runs: [run(NOW - 3_000 * DAY, 'succeeded', 1_000), run(NOW - DAY, 'succeeded', 1_000)],
      incidents: [],
      windowStart: new Date(NOW - 3_650 * DAY).toISOString(),
      now: new Date(NOW).toISOString(),
    }).toString()
    const labels = [...svg.matchAll(/<text class="x-label"[^>]*>([^<]*)<\/text>/g)].map((match) => match[1])
    expect(labels.length).toBeGreaterThanOrEqual(3)
    expect(labels.length).toBeLessThanOrEqual(8)
    for (const label of labels) expect(label).toMatch(/^[A-Z][a-z]{2} \d{4}$/)
  })

  it('ends the time axis at the newest run when the store’s clock is ahead of this machine’s', () => {
    const svg = chart([run(NOW - DAY, 'succeeded', 1_000), run(NOW + 60_000, 'succeeded', 1_000)])
    const xs = [...svg.matchAll(/<circle class="ok" cx="([\d.]+)"/g)].map((match) => Number(match[1]))
    expect(xs).toHaveLength(2)
    expect(Math.max(...xs)).toBeLessThanOrEqual(960)
    expect(svg).not.toContain('NaN')
  })

  it('draws thousands of successes as one path rather than an element each', () => {
    const runs = Array.from({ length: 3_000 }, (_, index) => run(NOW - DAY + index * 20_000, 'succeeded', 100 + index))
    const svg = chart(runs)
    expect(svg.match(/<path class="ok"/g)).toHaveLength(1)
    expect(svg).not.toContain('<circle')
  })
})

describe('niceStep', () => {
  it('picks the smallest step of the ladder at least as large as asked, or the largest', () => {
    expect(niceStep(3, [1, 2, 5, 10])).toBe(5)
    expect(niceStep(5, [1, 2, 5, 10])).toBe(5)
    expect(niceStep(50, [1, 2, 5, 10])).toBe(10)
  })
})
