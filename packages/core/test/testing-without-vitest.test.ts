import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const here = dirname(fileURLToPath(import.meta.url))
const repo = resolve(here, '../../..')
const contractSource = readFileSync(join(here, '../src/testing/store-contract.ts'), 'utf8')
const CONTRACT_TESTS = contractSource.match(/^\s*it\(/gm)?.length ?? 0

/** Every relative module `entry` imports, transitively, with its import specifiers. */
function importGraph(entry: string, seen = new Map<string, string[]>()): Map<string, string[]> {
  if (seen.has(entry)) return seen
  const specifiers = [...readFileSync(entry, 'utf8').matchAll(/^(?:import|export)[^'"]*from '([^']+)'/gm)].map(
    (match) => match[1] as string,
  )
  seen.set(entry, specifiers)
  for (const specifier of specifiers.filter((item) => item.startsWith('.'))) {
    importGraph(join(dirname(entry), specifier.replace(/\.js$/, '.ts')), seen)
  }
  return seen
}

describe('@cronwarden/core/testing', () => {
  it('imports no test runner, so Jest and node:test users can load it', () => {
    const graph = importGraph(join(here, '../src/testing/index.ts'))
    const external = [...graph.values()].flat().filter((specifier) => !specifier.startsWith('.'))
    expect(external.length).toBeGreaterThan(0)
    expect(external.filter((specifier) => /vitest|jest|mocha/.test(specifier))).toEqual([])
  })

  it('runs the store contract under node:test with Jest’s expect', async () => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', '--test', '--test-reporter=tap', join(here, 'fixtures/node-test-contract.ts')],
      { env: { ...process.env, TSX_TSCONFIG_PATH: join(repo, 'tsconfig.source.json') }, cwd: here },
    )
    let output = ''
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString()
    })
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString()
    })
    const code = await new Promise<number | null>((done) => child.on('close', done))
    expect(output).toMatch(/^# fail 0$/m)
    expect(Number(/^# pass (\d+)$/m.exec(output)?.[1])).toBe(CONTRACT_TESTS)
    expect(code, output).toBe(0)
  }, 60_000)
})
