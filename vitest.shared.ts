import { fileURLToPath } from 'node:url'

const source = (path: string) => fileURLToPath(new URL(path, import.meta.url))

/**
 * Tests import workspace packages by their npm names, resolved to source so `pnpm test`
 * needs no build first. Each project's vitest config spreads this into `resolve.alias`.
 */
export const workspaceAliases = [
  { find: /^@cronwarden\/core\/testing$/, replacement: source('./packages/core/src/testing/index.ts') },
  { find: /^@cronwarden\/core\/plugin$/, replacement: source('./packages/core/src/plugin/index.ts') },
  { find: /^@cronwarden\/core$/, replacement: source('./packages/core/src/index.ts') },
  { find: /^@cronwarden\/supabase-adapter$/, replacement: source('./packages/supabase-adapter/src/index.ts') },
  { find: /^@cronwarden\/email-notifier$/, replacement: source('./packages/email-notifier/src/index.ts') },
  { find: /^@cronwarden\/cli$/, replacement: source('./packages/cli/src/index.ts') },
  { find: /^@cronwarden\/slack-notifier$/, replacement: source('./packages/slack-notifier/src/index.ts') },
  { find: /^@cronwarden\/webhook-notifier$/, replacement: source('./packages/webhook-notifier/src/index.ts') },
]
