import { setTimeout as sleep } from 'node:timers/promises'
import {
  type Notifier,
  type RunStatus,
  silentLogger,
  type WithFailureAlertingOptions,
  withFailureAlerting,
} from '@cronwarden/core'
import { createSupabaseStore, type Database } from '@cronwarden/supabase-adapter'
import { acceptingNotifier, failingNotifier, startLongRun } from './seed.js'

/** A job name and an error text a page must show as text, never as markup. */
export const HOSTILE_JOB = '<script>alert(1)</script>"><img src=x onerror=alert(2)>'
export const HOSTILE_ERROR = "<script>alert(3)</script>\n\"><img src=x onerror=alert(4)> & 'quoted'"
export const HOSTILE_NOTIFIER = '<b>pager</b>"><img src=x onerror=alert(5)>'
export const HOSTILE_NOTIFIER_ERROR = '<img src=x onerror=alert(6)>'

/** What a job was seeded with: its runs' statuses in the order they were made. */
export interface SeededJob {
  name: string
  statuses: RunStatus[]
}

export interface SeededReport {
  jobs: SeededJob[]
  /** Finishes the run left running, so the database can be dropped. */
  finish(): Promise<void>
}

/** One planned run: how long it takes, and the error it throws (none: it succeeds). */
interface PlannedRun {
  ms: number
  error?: string
}

/**
 * Jobs with something to show, recorded through `withFailureAlerting` on the Postgres store
 * as an application records them:
 * - `nightly-export`: 25 runs, a two-run outage (alerted and recovered) and a lone failure;
 * - `billing-sync`: succeeded, failed, failed, with one notifier down so its alert stays owed;
 * - a job named like an XSS payload, failing with markup in its error and a hostile notifier;
 * - `hourly-digest`: two successes and a run still running while the report is written.
 */
export async function seedReportJobs(db: Database): Promise<SeededReport> {
  const exportPlan: PlannedRun[] = Array.from({ length: 25 }, (_, index) => ({
    ms: 20 + ((index * 37) % 45) + (index > 15 ? 25 : 0),
    ...(index === 5 || index === 6 ? { error: 'upstream returned 503 Service Unavailable' } : {}),
    ...(index === 17 ? { error: 'timeout after 30000 ms reading s3://exports/2026-11-30.csv' } : {}),
  }))
  const jobs = [
    await seedJob(db, 'nightly-export', exportPlan, {
      notifiers: [acceptingNotifier('ops-log')],
      notifyOnRecovery: true,
    }),
    await seedJob(
      db,
      'billing-sync',
      [
        { ms: 30 },
        { ms: 55, error: 'connect ECONNREFUSED 10.0.4.12:5432\n    at TCPConnectWrap.afterConnect [as oncomplete]' },
        { ms: 60, error: 'connect ECONNREFUSED 10.0.4.12:5432\n    at TCPConnectWrap.afterConnect [as oncomplete]' },
      ],
      { notifiers: [acceptingNotifier('slack'), failingNotifier('pager', 'PagerDuty answered 500')] },
    ),
    await seedJob(
      db,
      HOSTILE_JOB,
      [
        { ms: 15, error: HOSTILE_ERROR },
        { ms: 25 },
        { ms: 35, error: HOSTILE_ERROR },
        { ms: 20, error: HOSTILE_ERROR },
      ],
      { notifiers: [failingNotifier(HOSTILE_NOTIFIER, HOSTILE_NOTIFIER_ERROR)] },
    ),
    await seedJob(db, 'hourly-digest', [{ ms: 40 }, { ms: 45 }], {}),
  ]
  const running = await startLongRun(db, 'hourly-digest')
  jobs[3]?.statuses.push('running')
  return { jobs, finish: () => running.finish() }
}

async function seedJob(
  db: Database,
  name: string,
  plan: readonly PlannedRun[],
  options: Omit<WithFailureAlertingOptions, 'jobName' | 'store'> & { notifiers?: Notifier[] },
): Promise<SeededJob> {
  const store = createSupabaseStore({ db })
  for (const run of plan) {
    const wrapped = withFailureAlerting(
      async () => {
        await sleep(run.ms)
        if (run.error !== undefined) throw new Error(run.error)
      },
      { logger: silentLogger, ...options, jobName: name, store },
    )
    await wrapped().catch(() => {})
  }
  return { name, statuses: plan.map((run) => (run.error === undefined ? 'succeeded' : 'failed')) }
}
