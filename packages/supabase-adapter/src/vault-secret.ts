import { type Database, sqlRunner } from './database.js'
import { VaultSecretError } from './errors.js'

/**
 * A Supabase Vault secret, read from `vault.decrypted_secrets` each time the returned
 * function is called, so a notifier resolves it at send time and a rotated secret is picked
 * up without a restart. The value never appears in an error: errors name the secret only.
 */
export function vaultSecret(db: Database, name: string): () => Promise<string> {
  if (typeof name !== 'string' || name.length === 0) {
    throw new TypeError('vaultSecret: name: expected the non-empty name of a Vault secret')
  }
  const sql = sqlRunner(db)
  return async () => {
    let rows: Record<string, unknown>[]
    try {
      rows = await sql.rows(
        'select decrypted_secret from vault.decrypted_secrets where name = $1::text limit 1',
        [name],
        {
          safeToRepeat: true,
        },
      )
    } catch (cause) {
      throw new VaultSecretError(name, `could not be read from vault.decrypted_secrets: ${describe(cause)}`, { cause })
    }
    const [row] = rows
    if (!row) throw new VaultSecretError(name, 'does not exist in vault.decrypted_secrets')
    const value = row.decrypted_secret
    if (typeof value !== 'string' || value.length === 0) {
      throw new VaultSecretError(name, 'exists but has no decrypted value (check the Vault key and the secret)')
    }
    return value
  }
}

function describe(cause: unknown): string {
  return cause instanceof Error ? cause.message : String(cause)
}
