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

/**
 * True when an options schema and the interface documenting it accept the same input: the
 * same keys, and each side's values assignable to the other's. The interface carries the
 * JSDoc users read; the schema checks at runtime. A key added to one but not the other, or a
 * type that drifted, fails the type check where `schemaMatches` is called.
 */
export type SchemaMatches<Schema extends z.ZodType, Interface> = [
  Exclude<keyof z.input<Schema>, keyof Interface>,
  Exclude<keyof Interface, keyof z.input<Schema>>,
] extends [never, never]
  ? Interface extends z.input<Schema>
    ? z.input<Schema> extends Interface
      ? true
      : false
    : false
  : false

/** Compile-time only: `schemaMatches<typeof schema, Options>(true)` fails to type-check on drift. */
export function schemaMatches<Schema extends z.ZodType, Interface>(matches: SchemaMatches<Schema, Interface>): void {
  void matches
}
