import { dirname } from 'node:path'
import { build, type Format, type Message } from 'esbuild'

/**
 * A test fixture bundled for node the way an app's bundler would ship it: everything inlined,
 * workspace packages resolved through `tsconfig` (their source, so no build comes first).
 * Returns esbuild's warnings: one is how a CJS bundle says it lost `import.meta.url`.
 */
export async function bundleForNode(options: {
  entry: string
  outfile: string
  format: Format
  tsconfig: string
}): Promise<Message[]> {
  const result = await build({
    entryPoints: [options.entry],
    outfile: options.outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: options.format,
    tsconfig: options.tsconfig,
    logLevel: 'silent',
  })
  return result.warnings
}

/** The folders a bundle could find files or packages in: its own and every parent. */
export function foldersUpFrom(dir: string): string[] {
  const parent = dirname(dir)
  return parent === dir ? [dir] : [dir, ...foldersUpFrom(parent)]
}
