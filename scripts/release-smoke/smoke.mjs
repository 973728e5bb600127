// The ESM program of the release dry run: every entry point through `import`.
import * as cli from '@cronwarden/cli'
import * as core from '@cronwarden/core'
import * as plugin from '@cronwarden/core/plugin'
import * as testing from '@cronwarden/core/testing'
import * as email from '@cronwarden/email-notifier'
import * as slack from '@cronwarden/slack-notifier'
import * as supabase from '@cronwarden/supabase-adapter'
import * as webhook from '@cronwarden/webhook-notifier'
import { exercise, runtimeName } from './exercise.mjs'

const specifiers = [
  '@cronwarden/core',
  '@cronwarden/core/plugin',
  '@cronwarden/core/testing',
  '@cronwarden/supabase-adapter',
  '@cronwarden/slack-notifier',
  '@cronwarden/webhook-notifier',
  '@cronwarden/email-notifier',
  '@cronwarden/cli',
]
// A bundle has no node_modules to resolve against; Deno answers with its own scheme.
const canResolve = process.env.CRONWARDEN_SMOKE_BUNDLED !== '1' && !globalThis.Deno
const entryFiles = Object.fromEntries(specifiers.map((s) => [s, canResolve ? import.meta.resolve(s) : null]))

const summary = await exercise(
  { core, plugin, testing, supabase, slack, webhook, email, cli },
  { extension: '.js', entryFiles },
)
console.log(`esm ok on ${runtimeName()}: ${summary}`)
