import type { RunRecord } from '@cronwarden/core'
import { formatDuration, utcTime } from '@cronwarden/core/plugin'
import { textTable } from './text-table.js'

/**
 * The execution log as a table, oldest run first (`listRuns` gives newest first), so it reads
 * in the order the days happened. The run column is the start of the run id, which the
 * Slack alert shows in full.
 */
export function executionLogTable(newestFirst: readonly RunRecord[]): string[] {
  const rows = [...newestFirst]
    .reverse()
    .map((run) => [
      run.run_id.slice(0, 8),
      run.status,
      utcTime(run.started_at),
      run.duration_ms === null ? '' : formatDuration(run.duration_ms),
      run.consecutive_failure_count === null ? '' : String(run.consecutive_failure_count),
      run.error_message ?? '',
    ])
  return textTable(['run', 'status', 'started', 'duration', 'consecutive failures', 'error'], rows)
}
