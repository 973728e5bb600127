import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { missingService } from '../../../../test-support/missing-service.js'

/**
 * True when pg_dump is installed, for tests that compare schema dumps; skips `purpose` with
 * the reason printed otherwise, unless CRONWARDEN_REQUIRE_SERVICES=1.
 */
export async function pgDumpAvailable(purpose: string): Promise<boolean> {
  try {
    await promisify(execFile)('pg_dump', ['--version'])
    return true
  } catch (error) {
    return missingService(
      purpose,
      `pg_dump is not installed (${(error as Error).message}); apt-get install postgresql-client-15`,
    )
  }
}
