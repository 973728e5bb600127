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
      throw new VaultSecretError(
        name,
        `could not be read from vault.decrypted_secrets: ${describe(cause)}${grantHint(cause)}`,
        { cause },
      )
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

/**
 * Reading the view takes three grants, because `vault` and its view belong to Supabase's
 * admin role and the view decrypts by calling a function that is checked against the reader.
 * PostgreSQL's "permission denied" names the object; this names the grant that fixes it.
 */
const VAULT_GRANTS: ReadonlyArray<readonly [RegExp, string]> = [
  [/ for schema vault\b/, 'usage on schema vault'],
  [/ for (view|table|relation) decrypted_secrets\b/, 'select on vault.decrypted_secrets'],
  [/ for function _crypto_aead_det_decrypt\b/, 'execute on function vault._crypto_aead_det_decrypt'],
]

function grantHint(cause: unknown): string {
  // 42501: insufficient_privilege, whatever the client and the server's language.
  if ((cause as { code?: unknown } | null)?.code !== '42501') return ''
  const message = describe(cause)
  const missing = VAULT_GRANTS.find(([pattern]) => pattern.test(message))?.[1]
  return (
    `${missing ? ` (missing grant: ${missing})` : ''}. Reading Vault takes usage on schema vault, ` +
    'select on vault.decrypted_secrets and execute on function vault._crypto_aead_det_decrypt ' +
    '("Roles and grants" in the README of @cronwarden/supabase-adapter)'
  )
}
