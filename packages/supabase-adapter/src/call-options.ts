// The options object that `migrate` and `purgeRuns` take after their positional arguments.
// Those functions report bad input as a RangeError naming the field (as `purgeRuns` always
// did for `days`), not as the OptionsError of the options-only entry points.

/**
 * Checks that `options` is an object holding only `known` keys, and that each key listed in
 * `functions` is a function or undefined. Throws a RangeError naming the field.
 */
export function checkCallOptions(
  caller: string,
  options: unknown,
  known: readonly string[],
  functions: readonly string[] = [],
): void {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new RangeError(`${caller}: options: expected an object, got ${describeValue(options)}`)
  }
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) {
      throw new RangeError(`${caller}: options.${key}: unknown option (expected ${known.join(', ')})`)
    }
  }
  for (const key of functions) {
    const value = (options as Record<string, unknown>)[key]
    if (value !== undefined && typeof value !== 'function') {
      throw new RangeError(`${caller}: ${key}: expected a function, got ${describeValue(value)}`)
    }
  }
}

/** A value as an error message shows it: never its content, which may be anything. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  if (typeof value === 'number') return String(value)
  return typeof value
}
