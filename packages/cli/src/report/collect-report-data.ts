import type { AlertRecord, ExecutionLogStore, RunRecord } from '@cronwarden/core'
import { boundCall } from '@cronwarden/core/plugin'
import { type Database, readJobHealth } from '@cronwarden/supabase-adapter'
import { alertsOutsideIncidents, deriveIncidents } from './incidents.js'
import type { JobReport, ReportData } from './report-data.js'

/**
 * The most runs of one job the report reads: 90 days of a job that runs every 6.5 minutes.
 * Past it the window's oldest runs are left out, and the page says so, rather than a page of
 * tens of megabytes (every run is a point in the chart).
 */
export const MAX_RUNS_PER_JOB = 20_000

/** The most alert entries of one job the report reads (newest first, then cut to the window). */
export const MAX_ALERTS_PER_JOB = 2_000

/** Runs are read in rounds, each 4× the last, until one reaches past the window's start. */
const FIRST_READ = 250

export interface CollectOptions {
  db: Database
  store: ExecutionLogStore
  storeTimeoutMs: number
  now: Date
  days: number
  recentRuns: number
}

/** Reads each job's health, its runs and alerts within the window, and derives its incidents. */
export async function collectReportData(options: CollectOptions): Promise<ReportData> {
  const windowStart = new Date(options.now.getTime() - options.days * 86_400_000)
  const health = await readJobHealth({
    db: options.db,
    recentRuns: options.recentRuns,
    expiredWithinMs: options.days * 86_400_000,
    storeTimeoutMs: options.storeTimeoutMs,
  })
  const jobs: JobReport[] = []
  // One job after another: the command holds one connection, and a call queued behind the
  // others would spend its timeout waiting.
  const reads = { store: options.store, storeTimeoutMs: options.storeTimeoutMs, windowStart }
  for (const job of health) {
    const { runs, capped } = await readRunsInWindow(reads, job.job_name)
    const alerts = await readAlertsInWindow(reads, job.job_name)
    const incidents = deriveIncidents(runs, alerts)
    jobs.push({
      health: job,
      runs,
      runsCapped: capped,
      incidents,
      otherAlerts: alertsOutsideIncidents(alerts, incidents),
    })
  }
  return {
    generatedAt: options.now.toISOString(),
    days: options.days,
    windowStart: windowStart.toISOString(),
    recentRuns: options.recentRuns,
    jobs,
  }
}

/** Where and how far back a job's runs and alerts are read. */
export interface WindowReads {
  store: Pick<ExecutionLogStore, 'listRuns' | 'listAlerts'>
  storeTimeoutMs: number
  windowStart: Date
  /** Default `MAX_RUNS_PER_JOB`. */
  maxRuns?: number
}

/** The job's runs that started within the window, oldest first; `capped` when there were more. */
export async function readRunsInWindow(
  reads: WindowReads,
  jobName: string,
): Promise<{ runs: RunRecord[]; capped: boolean }> {
  const from = reads.windowStart.getTime()
  const max = reads.maxRuns ?? MAX_RUNS_PER_JOB
  for (let limit = Math.min(FIRST_READ, max); ; limit = Math.min(limit * 4, max)) {
    const newestFirst = await boundCall('listRuns', reads.storeTimeoutMs, () =>
      reads.store.listRuns({ jobName, limit }),
    )
    const oldest = newestFirst.at(-1)
    const reachedStart = newestFirst.length < limit || (oldest !== undefined && Date.parse(oldest.started_at) < from)
    if (reachedStart || limit >= max) {
      const runs = newestFirst.filter((run) => Date.parse(run.started_at) >= from).reverse()
      return { runs, capped: !reachedStart }
    }
  }
}

/**
 * The job's alert entries created within the window, oldest first. Entries whose policy
 * decided no event (a failure below the threshold) are left out: nothing was sent for them,
 * and every failure writes one.
 */
export async function readAlertsInWindow(reads: WindowReads, jobName: string): Promise<AlertRecord[]> {
  const newestFirst = await boundCall('listAlerts', reads.storeTimeoutMs, () =>
    reads.store.listAlerts({ jobName, limit: MAX_ALERTS_PER_JOB }),
  )
  const from = reads.windowStart.getTime()
  return newestFirst.filter((alert) => alert.status !== 'no_event' && Date.parse(alert.created_at) >= from).reverse()
}
