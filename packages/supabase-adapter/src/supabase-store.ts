import type {
  BeginRunInput,
  BeginRunResult,
  DeliveryRecord,
  ExecutionLogStore,
  FinishRunInput,
  HeartbeatInput,
  ListRunsOptions,
  RecordMissedRunInput,
  RunRecord,
  RunSummary,
  StreakTransition,
} from '@cronwarden/core'
import { parseOptions } from '@cronwarden/core'
import { z } from 'zod'
import { type Database, databaseSchema, scalar, sqlRunner } from './database.js'
import type { SqlValue } from './sql-literal.js'
import { type EpochMs, type TransitionRow, toDate, toTransition } from './transition-row.js'

export interface SupabaseStoreOptions {
  /** A postgres.js `Sql`, a node-postgres `Pool` or `Client`, or a PGlite instance. */
  db: Database
}

const supabaseStoreOptionsSchema = z.strictObject({
  db: databaseSchema,
})

/**
 * The execution log in Postgres (Supabase or any PostgreSQL 15+). Each method is one call
 * of one SQL function in the `cronwarden` schema: one round trip, one transaction, no
 * session state, so it is safe through Supavisor's transaction mode. Run `migrate(db)` (or
 * the shipped SQL files) first.
 */
export function createSupabaseStore(options: SupabaseStoreOptions): ExecutionLogStore {
  const { db } = parseOptions(supabaseStoreOptionsSchema, options, 'createSupabaseStore options')
  const sql = sqlRunner(db)
  const call = (text: string, params: readonly SqlValue[]) => scalar(sql, text, params)

  return {
    async beginRun(input: BeginRunInput): Promise<BeginRunResult> {
      const result = (await call(
        'select cronwarden.begin_run($1::text, $2::text, $3::integer, $4::boolean, $5::text)',
        [input.jobName, input.runId, input.leaseMs, input.exclusive, input.host === null ? null : clean(input.host)],
      )) as BeginRunRow
      const abandoned = result.abandoned.map((row) => toTransition(input.jobName, row))
      const startedAt = new Date(result.started_at)
      if (result.outcome === 'skipped' && result.holder_run_id !== null) {
        return { outcome: 'skipped', startedAt, holderRunId: result.holder_run_id, abandoned }
      }
      return {
        outcome: 'started',
        startedAt,
        consecutiveFailureCount: result.consecutive_failure_count,
        lastSuccessAt: toDate(result.last_success_at),
        abandoned,
      }
    },

    async heartbeat(input: HeartbeatInput): Promise<boolean> {
      const alive = await call('select cronwarden.heartbeat($1::text, $2::text, $3::integer)', [
        input.jobName,
        input.runId,
        input.leaseMs,
      ])
      return alive === true
    },

    async finishRun(input: FinishRunInput): Promise<StreakTransition | null> {
      const result = (await call(
        'select cronwarden.finish_run($1::text, $2::text, $3::text, $4::text, $5::text::jsonb)',
        [
          input.jobName,
          input.runId,
          input.status,
          input.errorMessage === null ? null : clean(input.errorMessage),
          input.summary === null ? null : summaryJson(input.summary),
        ],
      )) as TransitionRow | null
      return result === null ? null : toTransition(input.jobName, result)
    },

    async recordMissedRun(input: RecordMissedRunInput): Promise<boolean> {
      const created = await call(
        'select cronwarden.record_missed_run($1::text, $2::text, $3::bigint, $4::bigint, $5::text)',
        [input.jobName, input.runId, input.expectedAt.getTime(), input.detectedAt.getTime(), clean(input.errorMessage)],
      )
      return created === true
    },

    async recordDeliveries(runId: string, deliveries: readonly DeliveryRecord[]): Promise<void> {
      if (deliveries.length === 0) return
      // JSON goes in as text, cast in SQL: postgres.js would encode a string sent as jsonb again.
      await call('select cronwarden.record_deliveries($1::text, $2::text::jsonb)', [
        runId,
        clean(JSON.stringify(deliveries)),
      ])
    },

    async listRuns(jobName: string, listOptions: ListRunsOptions = {}): Promise<RunRecord[]> {
      const rows = (await call('select cronwarden.list_runs($1::text, $2::integer)', [
        jobName,
        listOptions.limit ?? 50,
      ])) as RunRow[]
      return rows.map(toRecord)
    },
  }
}

interface BeginRunRow {
  outcome: 'started' | 'skipped'
  started_at: EpochMs
  holder_run_id: string | null
  consecutive_failure_count: number
  last_success_at: EpochMs | null
  abandoned: TransitionRow[]
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

const toIso = (ms: EpochMs | null) => (ms === null ? null : new Date(ms).toISOString())

/** Postgres text and jsonb cannot hold NUL; a job's error message sometimes does. */
const clean = (text: string) => text.replaceAll('\u0000', '\uFFFD')
const summaryJson = (summary: RunSummary) =>
  JSON.stringify(summary, (_key, value: unknown) => (typeof value === 'string' ? clean(value) : value))
