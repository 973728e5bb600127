import { readFile } from 'node:fs/promises'
import { inspect } from 'node:util'
import { PGlite } from '@electric-sql/pglite'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { VaultSecretError, vaultSecret } from '../src/index.js'

const db = new PGlite()
const webhookUrl = 'https://hooks.example.test/services/T000/B000/very-secret-token'

beforeAll(async () => {
  await db.exec(await readFile(new URL('./support/vault-fixture.sql', import.meta.url), 'utf8'))
  await db.query(`select vault.create_secret($1, 'ops_slack_webhook_url', 'alerts channel')`, [webhookUrl])
})
afterAll(() => db.close())

const errorOf = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (error: unknown) => error,
  )

describe('vaultSecret', () => {
  it('reads the decrypted value when called, not before', async () => {
    const read = vaultSecret(db, 'ops_slack_webhook_url')
    expect(await read()).toBe(webhookUrl)
  })

  it('picks up a rotated secret on the next call', async () => {
    const read = vaultSecret(db, 'rotating')
    await db.query(`select vault.create_secret('first', 'rotating')`)
    expect(await read()).toBe('first')
    await db.query(`update vault.secrets set secret = 'second' where name = 'rotating'`)
    expect(await read()).toBe('second')
  })

  it('names a missing secret in a clear error', async () => {
    const error = await errorOf(vaultSecret(db, 'ops_smtp_url')())
    expect(error).toBeInstanceOf(VaultSecretError)
    expect((error as VaultSecretError).message).toBe(
      'Vault secret "ops_smtp_url" does not exist in vault.decrypted_secrets',
    )
    expect((error as VaultSecretError).secretName).toBe('ops_smtp_url')
  })

  it('reports a secret without a decrypted value', async () => {
    await db.query(`select vault.create_secret('', 'empty')`)
    expect(await errorOf(vaultSecret(db, 'empty')())).toMatchObject({
      message: expect.stringMatching(/"empty" exists but has no decrypted value/),
    })
  })

  it('wraps a database failure without any secret in it', async () => {
    const other = new PGlite()
    try {
      const error = await errorOf(vaultSecret(other, 'ops_slack_webhook_url')())
      expect(error).toBeInstanceOf(VaultSecretError)
      expect((error as Error).message).toMatch(/could not be read from vault\.decrypted_secrets: .*does not exist/)
      expect((error as Error).cause).toBeDefined()
    } finally {
      await other.close()
    }
  })

  it('never lets the value reach an error, even a failing caller’s', async () => {
    const error = await errorOf(vaultSecret(db, 'missing')())
    expect(inspect(error, { depth: 10 })).not.toContain('very-secret-token')
    expect(JSON.stringify(error)).not.toContain('very-secret-token')
  })

  it('rejects an empty name at once', () => {
    expect(() => vaultSecret(db, '')).toThrow(/name: expected the non-empty name of a Vault secret/)
  })
})
