import type { RunRecord } from '@cronwarden/core'
import { formatDurationMs, formatUtc } from './human-time.js'
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
      formatUtc(run.started_at),
      run.duration_ms === null ? '' : formatDurationMs(run.duration_ms),
      run.consecutive_failure_count === null ? '' : String(run.consecutive_failure_count),
      run.error_message ?? '',
    ])
  return textTable(['run', 'status', 'started', 'duration', 'consecutive failures', 'error'], rows)
}
