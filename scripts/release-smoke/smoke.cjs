// The CJS program of the release dry run: every entry point through `require`.
const core = require('@cronwarden/core')
const plugin = require('@cronwarden/core/plugin')
const testing = require('@cronwarden/core/testing')
const supabase = require('@cronwarden/supabase-adapter')
const slack = require('@cronwarden/slack-notifier')
const webhook = require('@cronwarden/webhook-notifier')
const email = require('@cronwarden/email-notifier')
const cli = require('@cronwarden/cli')

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
const entryFiles = Object.fromEntries(specifiers.map((s) => [s, require.resolve(s)]))

// The shared checks are an ES module; the packages above were still loaded by require.
import('./exercise.mjs')
  .then(async ({ exercise, runtimeName }) => {
    const summary = await exercise(
      { core, plugin, testing, supabase, slack, webhook, email, cli },
      { extension: '.cjs', entryFiles },
    )
    console.log(`cjs ok on ${runtimeName()}: ${summary}`)
  })
  .catch((error) => {
    console.error(error)
    process.exitCode = 1
  })
