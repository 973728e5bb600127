import type { AlertRecord, RunRecord } from '@cronwarden/core'
import type { JobHealthRecord } from '@cronwarden/supabase-adapter'
import type { Incident } from './incidents.js'

/** Everything the page shows, read once; rendering it reads nothing more. */
export interface ReportData {
  /** When the data was read (ISO 8601): the page's "now". */
  generatedAt: string
  /** Days of history in the charts and incidents. */
  days: number
  /** `generatedAt` minus `days` (ISO 8601). */
  windowStart: string
  /** Runs in each strip. */
  recentRuns: number
  /** One per recorded job, by name. */
  jobs: JobReport[]
}

export interface JobReport {
  /** The job's state as `status` shows it: strip, streak, last success, down since, alerts. */
  health: JobHealthRecord
  /** Its runs that started within the window, oldest first. */
  runs: RunRecord[]
  /** True when the window held more runs than the report reads (the oldest are left out). */
  runsCapped: boolean
  /** Streaks of failures in the window, oldest first, each with the alerts written during it. */
  incidents: Incident[]
  /** Alerts of the window that belong to no incident (a long run, a missed time), oldest first. */
  otherAlerts: AlertRecord[]
}
