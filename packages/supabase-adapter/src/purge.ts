import { checkCallOptions, describeValue } from './call-options.js'
import { type Database, scalar, sqlRunner } from './database.js'

/** Options of `purgeRuns`. */
export interface PurgeRunsOptions {
  /**
   * Delete in batches of at most this many rows, each its own short transaction, until a
   * batch deletes fewer: purging millions of rows then holds no lock or snapshot for long.
   * Finished runs go first, then settled alert entries, then the pg_net requests
   * `cronwarden.track_pg_net` recorded; the count includes all three.
   * 1..2147483647; default: everything in one statement per table, counting the runs.
   */
  batchSize?: number
  /**
   * Called after each batch with the rows deleted so far (once, with the total, without
   * `batchSize`). A throw stops the purge there: the batches before it stay deleted.
   */
  onProgress?: (deletedSoFar: number) => void
}

const MAX_BATCH_SIZE = 2_147_483_647 // the SQL function's integer argument

/**
 * Deletes finished runs older than `days` days (running rows are kept), and settled alert
 * entries and tracked pg_net requests as old. Returns the runs deleted, or with `batchSize`
 * the rows deleted (runs, entries and requests). The same function is callable from SQL, e.g. by a pg_cron job:
 * `select cronwarden.purge(90)`, or one bounded batch: `select cronwarden.purge(90, 10000)`.
 */
export async function purgeRuns(db: Database, days: number, options: PurgeRunsOptions = {}): Promise<number> {
  if (!Number.isInteger(days) || days < 1)
    throw new RangeError(`purgeRuns: days: expected an integer >= 1, got ${days}`)
  checkCallOptions('purgeRuns', options, ['batchSize', 'onProgress'], ['onProgress'])
  const { batchSize, onProgress } = options
  if (batchSize !== undefined && (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > MAX_BATCH_SIZE))
    throw new RangeError(
      `purgeRuns: batchSize: expected an integer from 1 to ${MAX_BATCH_SIZE}, got ${describeValue(batchSize)}`,
    )
  const sql = sqlRunner(db)
  if (batchSize === undefined) {
    const deleted = Number(await scalar(sql, 'select cronwarden.purge($1::integer)', [days]))
    onProgress?.(deleted)
    return deleted
  }
  let total = 0
  for (;;) {
    const deleted = Number(await scalar(sql, 'select cronwarden.purge($1::integer, $2::integer)', [days, batchSize]))
    total += deleted
    onProgress?.(total)
    if (deleted < batchSize) return total
  }
}
