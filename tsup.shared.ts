import { defineConfig, type Options } from 'tsup'

/**
 * How every package is built: ESM + CJS + `.d.ts` for Node 20, from `src/index.ts` unless
 * told otherwise. Packages add only what is theirs (extra entries, externals, shims).
 */
export function packageBuild(options: Options = {}) {
  return defineConfig({
    entry: { index: 'src/index.ts' },
    format: ['esm', 'cjs'],
    dts: true,
    clean: true,
    sourcemap: true,
    target: 'node20',
    ...options,
  })
}
