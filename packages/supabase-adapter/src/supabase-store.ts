import type { AlertEvent, ExecutionLogStore, JobRecord, PendingAlert, RunRecord } from '@cronwarden/core'
import { checkJobName, cleanJson, cleanText, clipText, parseOptions, schemaMatches } from '@cronwarden/core/plugin'
import { z } from 'zod'
import {
  type AlertRow,
  alertSpecText,
  toAlertRecord,
  toPendingAlert,
  toWrittenAlert,
  type WrittenAlertRow,
} from './alert-row.js'
import { type Database, databaseSchema, scalar, sqlRunner } from './database.js'
import type { SqlValue } from './sql-literal.js'
import { type EpochMs, type TransitionRow, toDate, toIso, toTransition } from './transition-row.js'

/** Options of `createSupabaseStore`; an unknown key is an `OptionsError`. */
export interface SupabaseStoreOptions {
  /** A postgres.js `Sql`, a node-postgres `Pool` or `Client`, or a PGlite instance. */
  db: Database
}

const supabaseStoreOptionsSchema = z.strictObject({
  db: databaseSchema,
})
schemaMatches<typeof supabaseStoreOptionsSchema, SupabaseStoreOptions>(true)

/**
 * The execution log in Postgres. Named for Supabase, where it is most used, it works with any
 * PostgreSQL 15 or newer: nothing in it needs Supabase (Vault and pg_cron are optional, and
 * used by `vaultSecret` and `checkPgCronRuns` only). Each method is one call
 * of one SQL function in the `cronwarden` schema: one round trip, one transaction, no
 * session state, so it is safe through Supavisor's transaction mode. Run `migrate(db)` (or
 * the shipped SQL files) first.
 *
 * JSON arguments go in as text and are cast in SQL (`$n::text::jsonb`): postgres.js would
 * encode a string sent as jsonb a second time.
 */
export function createSupabaseStore(options: SupabaseStoreOptions): ExecutionLogStore {
  const { db } = parseOptions(supabaseStoreOptionsSchema, options, 'createSupabaseStore options')
  const sql = sqlRunner(db)
  const call = (text: string, params: readonly SqlValue[]) => scalar(sql, text, params)
  // Calls whose SQL takes effect once however often it runs, so a dead connection's retry
  // is safe even if the first attempt ran: begin_run answers a known run id as it did the
  // first time (migration 0003), a heartbeat only renews, listings only read.
  const repeatable = (text: string, params: readonly SqlValue[]) => scalar(sql, text, params, { safeToRepeat: true })
  // The listings: one job's newest rows, 50 unless a limit is given.
  const newest = (fn: 'list_alerts' | 'list_runs', input: { jobName: string; limit?: number }) =>
    repeatable(`select cronwarden.${fn}($1::text, $2::integer)`, [input.jobName, input.limit ?? 50])

  return {
    async beginRun(input) {
      checkJobName(input.jobName)
      const result = (await repeatable(
        'select cronwarden.begin_run($1::text, $2::text, $3::integer, $4::boolean, $5::text, $6::text::jsonb)',
        [
          input.jobName,
          input.runId,
          input.leaseMs,
          input.exclusive,
          input.host === null ? null : cleanText(input.host),
          alertSpecText(input.alert),
        ],
      )) as BeginRunRow
      const abandoned = result.abandoned.map((row) => toTransition(input.jobName, row))
      const startedAt = new Date(result.started_at)
      const pendingAlerts = result.pending_alerts
      if (result.outcome === 'skipped' && result.holder_run_id !== null) {
        return { outcome: 'skipped', startedAt, holderRunId: result.holder_run_id, abandoned, pendingAlerts }
      }
      return {
        outcome: 'started',
        startedAt,
        consecutiveFailureCount: result.consecutive_failure_count,
        lastSuccessAt: toDate(result.last_success_at),
        abandoned,
        pendingAlerts,
      }
    },

    async heartbeat(input) {
      const alive = await repeatable('select cronwarden.heartbeat($1::text, $2::text, $3::integer)', [
        input.jobName,
        input.runId,
        input.leaseMs,
      ])
      return alive === true
    },

    async finishRun(input) {
      const result = (await call(
        'select cronwarden.finish_run($1::text, $2::text, $3::text, $4::text, $5::text::jsonb, $6::text::jsonb)',
        [
          input.jobName,
          input.runId,
          input.status,
          input.errorMessage === null ? null : storedError(input.errorMessage),
          input.summary === null ? null : cleanJson(input.summary),
          alertSpecText(input.alert),
        ],
      )) as FinishRunRow | null
      if (result === null) return null
      const transition = toTransition(input.jobName, result.transition)
      const alert =
        result.alert !== null && input.alert
          ? toWrittenAlert(result.alert, { ...input, subject: { kind: 'transition', transition } }, input.alert)
          : null
      return { transition, alert }
    },

    async recordMissedRun(input) {
      checkJobName(input.jobName)
      const result = (await call(
        `select cronwarden.record_missed_run($1::text, $2::text, $3::bigint, $4::bigint, $5::text,
           $6::text::jsonb, $7::text::jsonb)`,
        [
          input.jobName,
          input.runId,
          input.expectedAt.getTime(),
          input.detectedAt.getTime(),
          storedError(input.errorMessage),
          cleanJson({
            schedule: input.missed.schedule,
            timezone: input.missed.timezone,
            last_run_at: input.missed.lastRunAt?.getTime() ?? null,
          }),
          alertSpecText(input.alert),
        ],
      )) as { created: boolean; transition: TransitionRow | null; alert: WrittenAlertRow | null }
      if (!result.created || result.transition === null) return { created: false, transition: null, alert: null }
      const transition = toTransition(input.jobName, result.transition)
      const alert =
        result.alert !== null && input.alert
          ? toWrittenAlert(result.alert, { ...input, subject: { kind: 'transition', transition } }, input.alert)
          : null
      return { created: true, transition, alert }
    },

    async enqueueAlert(input) {
      checkJobName(input.jobName)
      const eventText = cleanJson(input.event)
      const row = (await call('select cronwarden.enqueue_alert($1::text, $2::text, $3::text::jsonb, $4::text::jsonb)', [
        input.jobName,
        input.runId,
        eventText,
        alertSpecText(input.alert),
      ])) as WrittenAlertRow
      return toWrittenAlert(row, { ...input, subject: eventSubject(eventText) }, input.alert)
    },

    async claimAlerts(input) {
      const rows = (await call('select cronwarden.claim_alerts($1::text[], $2::text[], $3::integer, $4::bigint)', [
        input.jobNames === null ? null : input.jobNames.map(cleanText),
        input.notifiers.map(cleanText),
        input.limit,
        input.claimMs,
      ])) as AlertRow[]
      return rows.map(toPendingAlert)
    },

    async recordAlertOutcome(input) {
      await call('select cronwarden.record_alert_outcome($1::text, $2::text, $3::text, $4::text::jsonb)', [
        input.alertId,
        input.claimToken,
        input.eventType,
        cleanJson(input.outcomes),
      ])
    },

    async listAlerts(input) {
      return ((await newest('list_alerts', input)) as AlertRow[]).map(toAlertRecord)
    },

    async listRuns(input) {
      return ((await newest('list_runs', input)) as RunRow[]).map(toRecord)
    },

    async getJob(input) {
      const row = (await repeatable('select cronwarden.get_job($1::text)', [input.jobName])) as JobRow | null
      return row === null ? null : toJobRecord(row)
    },

    // Setting a value: a retry after a dead connection sets the same value again.
    async muteJob(input) {
      checkJobName(input.jobName)
      await repeatable('select cronwarden.mute_job($1::text, $2::bigint)', [
        input.jobName,
        input.until === null ? null : input.until.getTime(),
      ])
    },
  }
}

/**
 * An error message as every store keeps it. Clipped here too, not only by `clip_error` in
 * SQL (which does the same for text written in SQL), so 10 MB never crosses the wire.
 */
const storedError = (message: string) => clipText(cleanText(message))

/** The event as it was stored (cleaned), not as the caller's object holds it. */
const eventSubject = (eventText: string): PendingAlert['subject'] => ({
  kind: 'event',
  event: JSON.parse(eventText) as AlertEvent,
})

interface BeginRunRow {
  outcome: 'started' | 'skipped'
  started_at: EpochMs
  holder_run_id: string | null
  consecutive_failure_count: number
  last_success_at: EpochMs | null
  abandoned: TransitionRow[]
  pending_alerts: number
}

interface FinishRunRow {
  transition: TransitionRow
  alert: WrittenAlertRow | null
}

interface RunRow extends Omit<RunRecord, 'started_at' | 'finished_at' | 'last_success_at'> {
  started_at: EpochMs
  finished_at: EpochMs | null
  last_success_at: EpochMs | null
}

function toRecord(row: RunRow): RunRecord {
  return {
    ...row,
    started_at: new Date(row.started_at).toISOString(),
    finished_at: toIso(row.finished_at),
    last_success_at: toIso(row.last_success_at),
  }
}

interface JobRow extends Omit<JobRecord, 'down_since' | 'last_success_at' | 'last_run_at' | 'muted_until'> {
  down_since: EpochMs | null
  last_success_at: EpochMs | null
  last_run_at: EpochMs | null
  muted_until: EpochMs | null
}

function toJobRecord(row: JobRow): JobRecord {
  return {
    job_name: row.job_name,
    consecutive_failure_count: row.consecutive_failure_count,
    down_since: toIso(row.down_since),
    last_success_at: toIso(row.last_success_at),
    last_run_at: toIso(row.last_run_at),
    muted_until: toIso(row.muted_until),
  }
}
