import type { AlertRecord, RunRecord } from '@cronwarden/core'
import { escapeHtml } from '@cronwarden/core/plugin'
import type { JobHealthRecord } from '@cronwarden/supabase-adapter'
import { describe, expect, it } from 'vitest'
import { deriveIncidents } from './incidents.js'
import { REPORT_CSP, renderReportHtml } from './render-html.js'
import type { ReportData } from './report-data.js'

const HOSTILE = '<script>alert(1)</script>"><img src=x onerror=alert(2)>\'&'
const NOW = '2026-11-30T12:00:00.000Z'
const at = (minutesAgo: number) => new Date(Date.parse(NOW) - minutesAgo * 60_000).toISOString()

function run(index: number, status: RunRecord['status'], count: number): RunRecord {
  return {
    run_id: `${HOSTILE}-${index}`,
    job_name: HOSTILE,
    status,
    started_at: at(100 - index * 10),
    finished_at: at(99 - index * 10),
    duration_ms: 60_000,
    error_message: status === 'failed' ? `${HOSTILE}\nat line 2 ${HOSTILE}` : null,
    consecutive_failure_count: count,
    last_success_at: null,
    holder_run_id: null,
    host: HOSTILE,
    summary: { note: HOSTILE },
    deliveries: [],
  }
}

function hostileReport(): ReportData {
  const runs = [run(0, 'succeeded', 0), run(1, 'failed', 1), run(2, 'failed', 2)]
  const alerts: AlertRecord[] = [
    {
      alert_id: '1',
      job_name: HOSTILE,
      run_id: HOSTILE,
      event_type: 'consecutive_failures',
      status: 'pending',
      created_at: at(75),
      expires_at: at(-60),
      notifiers: [
        {
          notifier: HOSTILE,
          status: 'failed',
          attempts: 2,
          last_error: HOSTILE,
          last_attempt_at: at(70),
          next_attempt_at: at(-5),
        },
      ],
    },
    {
      alert_id: '2',
      job_name: HOSTILE,
      run_id: HOSTILE,
      event_type: 'long_running',
      status: 'delivered',
      created_at: at(95),
      expires_at: at(0),
      notifiers: [],
    },
  ]
  const health: JobHealthRecord = {
    job_name: HOSTILE,
    recent_runs: runs.map((each) => ({
      run_id: each.run_id,
      status: each.status,
      started_at: each.started_at,
      duration_ms: each.duration_ms,
    })),
    consecutive_failure_count: 2,
    last_success_at: at(99),
    down_since: at(90),
    muted_until: null,
    running: [{ run_id: HOSTILE, started_at: at(1), lease_expires_at: at(-1), host: HOSTILE }],
    alerts: { pending: 0, failed: 1, expired: 0 },
  }
  const incidents = deriveIncidents(runs, alerts)
  return {
    generatedAt: NOW,
    days: 90,
    windowStart: at(90 * 24 * 60),
    recentRuns: 20,
    jobs: [{ health, runs, runsCapped: false, incidents, otherAlerts: alerts.slice(1) }],
  }
}

/** The page's own elements; anything else would have come from the data. */
const OWN_TAGS = new Set(
  (
    'html head meta title style body div header h1 h2 h3 p code ul li b main table thead tbody tr th td a section ' +
    'dl dt dd small span svg g line text tspan rect circle path details summary pre footer'
  ).split(' '),
)

describe('renderReportHtml', () => {
  const page = renderReportHtml(hostileReport())

  it('declares a CSP that lets nothing load or run, and has no script of its own', () => {
    expect(page).toContain(`<meta http-equiv="Content-Security-Policy" content="${REPORT_CSP}">`)
    expect(REPORT_CSP).toBe("default-src 'none'; style-src 'unsafe-inline'; img-src data:")
    expect(page).not.toMatch(/<script|javascript:|\bsrc=["']?http|@import|url\(/i)
  })

  it('builds every element itself: markup in job names, errors, hosts, run ids and notifier names stays text', () => {
    const tags = new Set([...page.matchAll(/<\/?([a-zA-Z][\w-]*)/g)].map((match) => match[1]?.toLowerCase()))
    expect([...tags].filter((tag) => !OWN_TAGS.has(tag ?? ''))).toEqual([])
    expect(page).not.toContain(HOSTILE)
    expect(page).toContain(`data-job="${escapeHtml(HOSTILE)}"`)
    expect(page).toContain(`<h2>${escapeHtml(HOSTILE)}</h2>`)
    expect(page.split(escapeHtml(HOSTILE)).length).toBeGreaterThan(10)
  })

  it('ties the strip cells to the runs, oldest first, with status and time on hover', () => {
    const cells = [...page.matchAll(/<span class="cell" data-status="(\w+)" title="([^"]*)">/g)]
    expect(cells.map((cell) => cell[1])).toEqual(['succeeded', 'failed', 'failed'])
    expect(cells[0]?.[2]).toContain('succeeded · 2026-11-30 10:20:00 UTC · 1 min')
  })

  it('shows the open incident with its alert and each notifier’s state', () => {
    expect(page).toContain('still down')
    expect(page).toContain('consecutive_failures')
    expect(page).toMatch(
      /<span class="pill failed">failed<\/span> <b>[^<]*<\/b>\s*<span class="note">2 attempts, next try 2026-11-30 12:05:00 UTC/,
    )
    expect(page).toContain('Other alerts')
    expect(page).toContain('long_running')
  })

  it('marks a muted job with until when, and a muted alert and notifier as muted, not failed', () => {
    const report = hostileReport()
    const [job] = report.jobs
    if (job === undefined) throw new Error('no job')
    const mutedAlert: AlertRecord = {
      alert_id: '3',
      job_name: HOSTILE,
      run_id: HOSTILE,
      event_type: 'still_failing',
      status: 'muted',
      created_at: at(72),
      expires_at: at(-60),
      notifiers: [
        {
          notifier: 'slack',
          status: 'muted',
          attempts: 0,
          last_error: null,
          last_attempt_at: at(72),
          next_attempt_at: null,
        },
      ],
    }
    const muted = renderReportHtml({
      ...report,
      jobs: [
        {
          ...job,
          health: { ...job.health, muted_until: at(-120) },
          incidents: deriveIncidents(job.runs, [mutedAlert]),
        },
      ],
    })
    expect(muted).toContain('<span class="pill muted">muted until 2026-11-30 14:00:00 UTC</span>')
    expect(muted).toContain('<span class="event">still_failing</span> <span class="pill muted">muted</span>')
    expect(muted).toMatch(/<span class="pill muted">muted<\/span> <b>slack<\/b>/)
    expect(muted).toContain('<li><b>1</b> muted: alerts recorded, not sent</li>')

    const lapsed = renderReportHtml({ ...report, jobs: [{ ...job, health: { ...job.health, muted_until: at(5) } }] })
    expect(lapsed).not.toContain('muted until')
  })

  it('says so when there are no jobs', () => {
    const empty = renderReportHtml({ ...hostileReport(), jobs: [] })
    expect(empty).toContain('No jobs recorded yet.')
    expect(empty).not.toContain('data-job=')
  })
})
