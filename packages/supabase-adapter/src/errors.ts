import { CronwardenError } from '@cronwarden/core'

/** A Vault secret that is missing or unreadable. Never carries the secret's value. */
export class VaultSecretError extends CronwardenError {
  override name = 'VaultSecretError'
  readonly secretName: string

  constructor(secretName: string, message: string, options?: { cause: unknown }) {
    super(`Vault secret "${secretName}" ${message}`, options)
    this.secretName = secretName
  }
}

/** A migration file that could not be applied; `cause` holds the database's error. */
export class MigrationError extends CronwardenError {
  override name = 'MigrationError'
  readonly version: number

  constructor(version: number, fileName: string, options: { cause: unknown }) {
    const reason = options.cause instanceof Error ? options.cause.message : String(options.cause)
    super(`Migration ${fileName} failed: ${reason}`, options)
    this.version = version
  }
}
