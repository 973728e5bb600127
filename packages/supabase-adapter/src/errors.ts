import { CronwardenError } from '@cronwarden/core'

/** A Vault secret that is missing or unreadable. Never carries the secret's value. */
export class VaultSecretError extends CronwardenError {
  override name = 'VaultSecretError'
  /** Always `ERR_CRONWARDEN_VAULT_SECRET`. */
  declare readonly errorCode: 'ERR_CRONWARDEN_VAULT_SECRET'

  constructor(
    /** The secret's name, as given to `vaultSecret` (never its value). */
    readonly secretName: string,
    message: string,
    options?: { cause: unknown },
  ) {
    super(`Vault secret "${secretName}" ${message}`, options)
  }
}

/** A migration file that could not be applied; `cause` holds the database's error. */
export class MigrationError extends CronwardenError {
  override name = 'MigrationError'
  /** Always `ERR_CRONWARDEN_MIGRATION`. */
  declare readonly errorCode: 'ERR_CRONWARDEN_MIGRATION'

  constructor(
    /**
     * The version of the file that failed (1 for `0001_execution_log.sql`). Nothing of it was
     * applied; the files before it were, and later ones were not tried.
     */
    readonly version: number,
    fileName: string,
    options: { cause: unknown },
  ) {
    const reason = options.cause instanceof Error ? options.cause.message : String(options.cause)
    super(`Migration ${fileName} failed: ${reason}`, options)
  }
}
