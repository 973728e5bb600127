import { fileURLToPath } from 'node:url'

const sourceTsconfig = fileURLToPath(new URL('../../../../tsconfig.source.json', import.meta.url))

/**
 * The environment for a `node --import tsx` child process: the `@cronwarden/*` packages
 * resolve to their source, as they do in the vitest run, so tests need no `pnpm build`
 * (their package.json exports point at `dist/`).
 */
export function sourceEnv(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return { ...env, TSX_TSCONFIG_PATH: sourceTsconfig }
}
