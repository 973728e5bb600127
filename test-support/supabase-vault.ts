import { readFile } from 'node:fs/promises'

/**
 * The SQL of the repository's one imitation of Supabase Vault (supabase-vault.sql): its
 * tables, view and functions, owned by whoever runs it and granting nothing. The extension is
 * not installable outside Supabase, so the adapter's tests and the reminder-cron example
 * both create this instead.
 */
export function supabaseVaultSql(): Promise<string> {
  return readFile(new URL('./supabase-vault.sql', import.meta.url), 'utf8')
}
