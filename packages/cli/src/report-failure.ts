import { describeError, OptionsError } from '@cronwarden/core'
import { redactUrls } from '@cronwarden/core/plugin'
import { UsageError } from './errors.js'
import type { Output } from './output.js'

/**
 * Prints why a command could not run and picks its exit code: 2 for a usage or config error
 * (the message names the flag or config key), 1 for anything else (the database refused, a
 * timeout). URLs are redacted: a connection string's password must not reach a CI log.
 */
export function reportFailure(error: unknown, out: Output): number {
  const usage = error instanceof UsageError || error instanceof OptionsError
  const text = usage ? (error as Error).message : describeError(error)
  out.note(`${out.noteColors.red('error:')} ${redactUrls(text)}`)
  if (/schema "cronwarden" does not exist|relation "cronwarden\./.test(text))
    out.note('hint: this database has no cronwarden schema yet: run `cronwarden migrate` first')
  return usage ? 2 : 1
}
