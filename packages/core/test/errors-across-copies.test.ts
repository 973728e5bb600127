import { mkdtemp, rm } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { bundleForNode } from '../../../test-support/node-bundle.js'

type Core = typeof import('../src/index.js')

const entry = fileURLToPath(new URL('../src/index.ts', import.meta.url))
// Maps workspace packages to their source: the bundles need no `pnpm build` first.
const sourceTsconfig = fileURLToPath(new URL('../../../tsconfig.source.json', import.meta.url))

// An app that loads core twice, once through `import` (the ESM build) and once through
// `require` (the CJS build): two copies of every class, so `instanceof` across them fails.
describe('errors from two copies of core (an ESM and a CJS bundle in one process)', () => {
  let outDir: string
  let esm: Core
  let cjs: Core

  beforeAll(async () => {
    outDir = await mkdtemp(join(tmpdir(), 'cronwarden-error-copies-'))
    const esmFile = join(outDir, 'core.mjs')
    const cjsFile = join(outDir, 'core.cjs')
    await bundleForNode({ entry, outfile: esmFile, format: 'esm', tsconfig: sourceTsconfig })
    await bundleForNode({ entry, outfile: cjsFile, format: 'cjs', tsconfig: sourceTsconfig })
    esm = (await import(pathToFileURL(esmFile).href)) as Core
    cjs = createRequire(import.meta.url)(cjsFile) as Core
  }, 60_000)

  afterAll(async () => {
    if (outDir) await rm(outDir, { recursive: true, force: true })
  })

  it('loads two distinct copies', () => {
    expect(esm.CronwardenError).not.toBe(cjs.CronwardenError)
    expect(esm.isCronwardenError).not.toBe(cjs.isCronwardenError)
  })

  it.each<['esm' | 'cjs', 'esm' | 'cjs']>([
    ['esm', 'cjs'],
    ['cjs', 'esm'],
  ])('an error made by the %s copy passes the %s copy’s isCronwardenError, where instanceof fails', (from, to) => {
    const maker = from === 'esm' ? esm : cjs
    const checker = to === 'esm' ? esm : cjs
    const errors = [
      new maker.StoreError('beginRun', { cause: new Error('refused') }),
      new maker.StoreTimeoutError('finishRun', 5000),
      new maker.OptionsError('options', [{ path: 'jobName', message: 'required' }]),
      new maker.CronwardenError('base'),
    ]
    for (const error of errors) {
      expect(error instanceof checker.CronwardenError).toBe(false)
      expect(checker.isCronwardenError(error)).toBe(true)
    }
    expect(errors.map((error) => error.errorCode)).toEqual([
      'ERR_CRONWARDEN_STORE',
      'ERR_CRONWARDEN_STORE_TIMEOUT',
      'ERR_CRONWARDEN_OPTIONS',
      'ERR_CRONWARDEN',
    ])
    expect(checker.isCronwardenError(new Error('plain'))).toBe(false)
    expect(checker.isCronwardenError({ name: 'StoreError', errorCode: 'ERR_CRONWARDEN_STORE' })).toBe(false)
  })
})
