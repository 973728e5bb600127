import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { OptionsError } from '@cronwarden/core'
import { describe, expect, it } from 'vitest'
import { UsageError } from './errors.js'
import { loadConfig } from './load-config.js'

async function folderWith(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'cronwarden-config-'))
  for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text)
  return dir
}

describe('loadConfig', () => {
  it('runs with every default when there is no config file', async () => {
    const loaded = await loadConfig({ cwd: await folderWith({}) })
    expect(loaded.path).toBeNull()
    expect(loaded.config).toMatchObject({ notifiers: [], notifyTimeoutMs: 5_000, storeTimeoutMs: 10_000 })
  })

  it('loads a TypeScript config with no build step', async () => {
    const cwd = await folderWith({
      'cronwarden.config.ts': `
        const timeout: number = 2_000
        export default { databaseUrl: 'postgres://localhost/app', notifyTimeoutMs: timeout }
      `,
    })
    const loaded = await loadConfig({ cwd })
    expect(loaded.path).toBe(join(cwd, 'cronwarden.config.ts'))
    expect(loaded.config).toMatchObject({ databaseUrl: 'postgres://localhost/app', notifyTimeoutMs: 2_000 })
  })

  it('takes a function, async or not, returning the config', async () => {
    const cwd = await folderWith({
      'cronwarden.config.mjs': 'export default async () => ({ storeTimeoutMs: 1234 })',
    })
    expect((await loadConfig({ cwd })).config.storeTimeoutMs).toBe(1234)
  })

  it('prefers the file --config names', async () => {
    const cwd = await folderWith({
      'cronwarden.config.js': 'export default { storeTimeoutMs: 1 }',
      'ops.cjs': 'module.exports = { storeTimeoutMs: 2000 }',
    })
    expect((await loadConfig({ cwd, explicitPath: 'ops.cjs' })).config.storeTimeoutMs).toBe(2000)
  })

  it('names a misspelled key and suggests the right one', async () => {
    const cwd = await folderWith({ 'cronwarden.config.js': 'export default { notifier: [] }' })
    const error = await loadConfig({ cwd }).catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(OptionsError)
    expect((error as Error).message).toContain('notifier: unknown option (did you mean "notifiers"?)')
  })

  it('names a notifier that is not one', async () => {
    const cwd = await folderWith({ 'cronwarden.config.js': 'export default { notifiers: [{ name: "slack" }] }' })
    await expect(loadConfig({ cwd })).rejects.toThrow(/notifiers\.0: expected a Notifier/)
  })

  it('says which file is missing when --config names none', async () => {
    const cwd = await folderWith({})
    await expect(loadConfig({ cwd, explicitPath: 'nope.ts' })).rejects.toThrow(UsageError)
    await expect(loadConfig({ cwd, explicitPath: 'nope.ts' })).rejects.toThrow(/--config: no such file: .*nope\.ts/)
  })

  it('reports a config that throws without printing the URLs in its message', async () => {
    const cwd = await folderWith({
      'cronwarden.config.js': `throw new Error('cannot reach https://hooks.slack.com/services/T0/B0/secret-token')`,
    })
    const error = (await loadConfig({ cwd }).catch((caught: unknown) => caught)) as Error
    expect(error).toBeInstanceOf(UsageError)
    expect(error.message).toContain('could not load')
    expect(error.message).not.toContain('secret-token')
  })
})
