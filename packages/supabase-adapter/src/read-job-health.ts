import { type RunStatus, StoreError } from '@cronwarden/core'
import { boundCall, deliveryOptionsShape, nameSchema, parseOptions, schemaMatches } from '@cronwarden/core/plugin'
import { z } from 'zod'
import { type Database, databaseSchema, scalar, sqlRunner } from './database.js'
import { type EpochMs, toIso } from './transition-row.js'

/** One run as a cell of a job's strip. */
export interface RunCell {
  /** The run's id, as in `RunRecord.run_id`. */
  run_id: string
  /** Every status shows in a strip: `missed` and `skipped` rows too. */
  status: RunStatus
  /** When the run began (ISO 8601, as `listRuns` gives it); for a `missed` row, the scheduled time. */
  started_at: string
  /** How long it ran, in milliseconds; null while running and for `missed` rows. */
  duration_ms: number | null
}

/** A run holding (or having held) the job's lease, still `running`. */
export interface RunningRun {
  /** The run's id. */
  run_id: string
  /** When it began (ISO 8601). */
  started_at: string
  /**
   * When its lease ends without a heartbeat (ISO 8601); in the past, the run has likely
   * crashed and the job's next begin closes it as `abandoned`. Null when it has no end.
   */
  lease_expires_at: string | null
  /** Where it runs (host name, invocation id), as the wrapper reported it; null when not given. */
  host: string | null
}

/** One job's health, as `readJobHealth` returns it. Snake_case like `RunRecord`: it is a row. */
export interface JobHealthRecord {
  /** The job's name in the execution log. */
  job_name: string
  /**
   * The newest `recentRuns` runs, OLDEST FIRST (so a strip reads left to right). All
   * statuses, missed and skipped included.
   */
  recent_runs: RunCell[]
  /** The job's current streak of failures; 0 while healthy. */
  consecutive_failure_count: number
  /** The job's last success (ISO 8601), or null if it never succeeded. */
  last_success_at: string | null
  /** Start of the current streak's first failed run (ISO 8601), or null while healthy. */
  down_since: string | null
  /**
   * Until when the job's alerts are muted (ISO 8601, set by `muteJob`): entries decided before
   * then are recorded `muted`, not sent. Null when it was never muted or was unmuted; a past
   * time means the mute has lapsed.
   */
  muted_until: string | null
  /** The job's runs still `running`, oldest first; empty when none. */
  running: RunningRun[]
  /** The job's alert entries that are not settled, or expired lately. */
  alerts: {
    /** Entries still `pending` none of whose notifiers is in the `failed` state: not tried yet, or partly delivered. */
    pending: number
    /** Entries still `pending` with at least one notifier in the `failed` state: being retried. */
    failed: number
    /** Entries given up as `expired` (never delivered to every notifier), created within `expiredWithinMs`. */
    expired: number
  }
}

/** Options of `readJobHealth`, checked on each call: an unknown key is an `OptionsError`. */
export interface ReadJobHealthOptions {
  /** A postgres.js `Sql`, a node-postgres `Pool` or `Client`, or a PGlite instance. */
  db: Database
  /** Only these jobs (names not in `cron_job_state` are left out); default every job in `cron_job_state`. */
  jobs?: string[]
  /** Strip length: the newest runs per job; default 20, 1..1000. */
  recentRuns?: number
  /** Window for counting expired entries, in milliseconds; default 7 days, at most 100 years. */
  expiredWithinMs?: number
  /**
   * Per database call, as everywhere else; default 10 000. Past it the call rejects with
   * `StoreError` (operation `readJobHealth`, cause `StoreTimeoutError`).
   */
  storeTimeoutMs?: number
}

const DAY_MS = 86_400_000

export const readJobHealthOptionsSchema = z.strictObject({
  db: databaseSchema,
  jobs: z.array(nameSchema('job name')).optional(),
  recentRuns: z.number().int().min(1).max(1000).default(20),
  // Bounded so `now() - window` stays a valid timestamp.
  expiredWithinMs: z
    .number()
    .int()
    .positive()
    .max(36_525 * DAY_MS, 'expected at most 100 years')
    .default(7 * DAY_MS),
  storeTimeoutMs: deliveryOptionsShape.storeTimeoutMs,
})
schemaMatches<typeof readJobHealthOptionsSchema, ReadJobHealthOptions>(true)

/**
 * Every job's health in one round trip: each job's newest runs as a strip (oldest first),
 * its streak, its runs still running with their leases, and its alert entries pending,
 * retrying or expired lately; sorted by job name (code point order). What `cronwarden status`
 * shows. One call of `cronwarden.job_health` (migration 0004), which reads each part through
 * an index, so its cost follows the number of jobs, not the size of the log.
 */
export async function readJobHealth(options: ReadJobHealthOptions): Promise<JobHealthRecord[]> {
  const parsed = parseOptions(readJobHealthOptionsSchema, options, 'readJobHealth options')
  const sql = sqlRunner(parsed.db)
  // A SQL function rather than a query text sent from here: inside it `jit = off` holds
  // without touching the session (for a few hundred jobs JIT compilation added 45 ms to
  // 60 ms of work, see 0004), and the same health is readable from SQL. Read-only, so a
  // retry after a lost connection cannot do anything twice.
  const rows = await boundCall('readJobHealth', parsed.storeTimeoutMs, () =>
    scalar(
      sql,
      'select cronwarden.job_health($1::text[], $2::integer, $3::bigint)',
      [parsed.jobs ?? null, parsed.recentRuns, parsed.expiredWithinMs],
      { safeToRepeat: true },
    ),
  ).catch((cause: unknown) => {
    throw new StoreError('readJobHealth', { cause })
  })
  return (rows as JobHealthRow[]).map(toRecord)
}

/** A job as `cronwarden.job_health` returns it: times as epoch ms, runs as arrays (smaller). */
interface JobHealthRow {
  job_name: string
  recent_runs: Array<[run_id: string, status: RunStatus, started_at: EpochMs, duration_ms: number | null]>
  consecutive_failure_count: number
  last_success_at: EpochMs | null
  down_since: EpochMs | null
  /** Missing only from a database not migrated to 0007 yet. */
  muted_until?: EpochMs | null
  running: Array<[run_id: string, started_at: EpochMs, lease_expires_at: EpochMs | null, host: string | null]>
  pending: number
  failed: number
  expired: number
}

function toRecord(row: JobHealthRow): JobHealthRecord {
  return {
    job_name: row.job_name,
    recent_runs: row.recent_runs.map(([run_id, status, started_at, duration_ms]) => ({
      run_id,
      status,
      started_at: new Date(started_at).toISOString(),
      duration_ms,
    })),
    consecutive_failure_count: row.consecutive_failure_count,
    last_success_at: toIso(row.last_success_at),
    down_since: toIso(row.down_since),
    muted_until: toIso(row.muted_until ?? null),
    running: row.running.map(([run_id, started_at, lease_expires_at, host]) => ({
      run_id,
      started_at: new Date(started_at).toISOString(),
      lease_expires_at: toIso(lease_expires_at),
      host,
    })),
    alerts: { pending: row.pending, failed: row.failed, expired: row.expired },
  }
}
