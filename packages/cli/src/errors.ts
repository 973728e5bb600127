import { CronwardenError } from '@cronwarden/core'

/**
 * The command line was wrong (an unknown flag, a missing database, a bad config key): exit
 * code 2, as shells use for misuse, so a health check can tell "down" (1) from "misconfigured".
 */
export class UsageError extends CronwardenError {
  override name = 'UsageError'
  /** Always `ERR_CRONWARDEN_USAGE`. */
  declare readonly errorCode: 'ERR_CRONWARDEN_USAGE'
}
