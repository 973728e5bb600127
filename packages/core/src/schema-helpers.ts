import { z } from 'zod'
import { hasControlCharacters } from './safe-text.js'

/** `setTimeout` silently fires at once past this delay, so no duration may exceed it. */
export const MAX_TIMER_MS = 2_147_483_647

/** A duration option in milliseconds: a positive integer no larger than `MAX_TIMER_MS`. */
export const durationMs = () => z.number().int().positive().max(MAX_TIMER_MS)

/**
 * A name that is stored, logged and shown in alerts (a job, a notifier, a host). Control
 * characters are refused up front: Postgres cannot store NUL, a line break forges log lines,
 * and a bidi override makes an alert read backwards. Every store gets the same limits.
 */
export const nameSchema = (what: string) =>
  z
    .string({ error: `expected a ${what} (a string)` })
    .trim()
    .min(1, `expected a non-empty ${what}`)
    .max(200, `expected a ${what} of at most 200 characters`)
    .refine((name) => !hasControlCharacters(name), `expected a ${what} without control or bidi characters`)

type AnyFunction = (...args: never[]) => unknown

/** A function-valued field; zod 4 has no function schema usable inside objects. */
export const functionSchema = <Fn extends AnyFunction>(description = 'a function') =>
  z.custom<Fn>((value) => typeof value === 'function', { message: `expected ${description}` })

/** An object offering these methods; anything else fails with the list of what is expected. */
export const objectWithMethods = <T>(methods: readonly string[], description: string) =>
  z.custom<T>(
    (value) =>
      typeof value === 'object' &&
      value !== null &&
      methods.every((method) => typeof (value as Record<string, unknown>)[method] === 'function'),
    { message: `expected ${description} (an object with ${methods.join(', ')} methods)` },
  )
