/**
 * `pnpm version-packages`: `changeset version` (the pending changesets become version bumps
 * and CHANGELOG entries), then one correction.
 *
 * Changesets 2 gives a package whose peer dependency is released outside its range a major
 * bump. The adapters declare `@cronwarden/core` as a `workspace:^` peer, so a minor of core
 * 0.x (0.1.0 → 0.2.0 leaves `^0.1.0`) would release every adapter as 1.0.0
 * (changesets/changesets#1228; changesets 3 fixes it but needs Node 22). In 0.x a breaking
 * change is a minor: such a package gets the next minor instead, unless a changeset asked
 * for its major.
 */
import { execFileSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const changesetDir = path.join(root, '.changeset')

interface Workspace {
  name: string
  version: string
  dir: string
}

function publicPackages(): Workspace[] {
  return readdirSync(path.join(root, 'packages'))
    .map((entry) => path.join(root, 'packages', entry))
    .filter((dir) => existsSync(path.join(dir, 'package.json')))
    .map((dir) => ({ dir, ...JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) }))
    .filter((pkg) => !pkg.private)
}

/** Packages some pending changeset names as `major` (read before `changeset version` deletes them). */
function requestedMajors(): Set<string> {
  const names = new Set<string>()
  for (const file of readdirSync(changesetDir)) {
    if (!file.endsWith('.md') || file === 'README.md') continue
    const frontmatter = readFileSync(path.join(changesetDir, file), 'utf8').split(/^---\s*$/m)[1] ?? ''
    for (const line of frontmatter.split('\n')) {
      const match = /^\s*['"]?([^'"]+?)['"]?\s*:\s*major\s*$/.exec(line)
      if (match?.[1]) names.add(match[1])
    }
  }
  return names
}

const majors = requestedMajors()
const before = new Map(publicPackages().map((pkg) => [pkg.name, pkg.version]))
execFileSync('changeset', ['version'], { cwd: root, stdio: 'inherit' })

for (const pkg of publicPackages()) {
  const old = before.get(pkg.name)
  const oldMinor = old?.match(/^0\.(\d+)\./)?.[1]
  if (oldMinor === undefined || pkg.version.startsWith('0.') || majors.has(pkg.name)) continue
  const corrected = `0.${Number(oldMinor) + 1}.0`
  const manifestFile = path.join(pkg.dir, 'package.json')
  const manifest = readFileSync(manifestFile, 'utf8')
  writeFileSync(manifestFile, manifest.replace(`"version": "${pkg.version}"`, `"version": "${corrected}"`))
  const changelogFile = path.join(pkg.dir, 'CHANGELOG.md')
  if (existsSync(changelogFile)) {
    const changelog = readFileSync(changelogFile, 'utf8')
    writeFileSync(changelogFile, changelog.replace(`\n## ${pkg.version}\n`, `\n## ${corrected}\n`))
  }
  console.log(`${pkg.name}: ${old} → ${corrected}, not ${pkg.version}: no changeset asked for a major (0.x)`)
}
