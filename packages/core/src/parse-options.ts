import type { z } from 'zod'
import { type OptionIssue, OptionsError } from './errors.js'

/**
 * Parses options once at the boundary. Every issue names its field; an unknown key also
 * suggests the closest known one, since a misspelled option must never be silently ignored.
 */
export function parseOptions<Schema extends z.ZodType>(
  schema: Schema,
  input: unknown,
  subject: string,
  knownKeys: readonly string[] = keysOf(schema),
): z.output<Schema> {
  const result = schema.safeParse(input)
  if (result.success) return result.data
  throw new OptionsError(
    subject,
    result.error.issues.flatMap((issue) => describeIssue(issue, knownKeys)),
  )
}

/** The keys an object schema knows, for "did you mean" hints. */
function keysOf(schema: z.ZodType): string[] {
  const shape = (schema as { shape?: unknown }).shape
  return typeof shape === 'object' && shape !== null ? Object.keys(shape) : []
}

function describeIssue(issue: z.core.$ZodIssue, knownKeys: readonly string[]): OptionIssue[] {
  const prefix = issue.path.map(String).join('.')
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => {
      const suggestion = closest(key, knownKeys)
      const hint = suggestion ? ` (did you mean "${suggestion}"?)` : ''
      return { path: prefix ? `${prefix}.${key}` : key, message: `unknown option${hint}` }
    })
  }
  return [{ path: prefix || '(options)', message: issue.message }]
}

function closest(key: string, candidates: readonly string[]): string | undefined {
  const lower = key.toLowerCase()
  const extended = candidates.find((candidate) => lower.length >= 3 && candidate.toLowerCase().startsWith(lower))
  if (extended) return extended
  let best: { candidate: string; distance: number } | undefined
  for (const candidate of candidates) {
    const distance = editDistance(key.toLowerCase(), candidate.toLowerCase())
    if (!best || distance < best.distance) best = { candidate, distance }
  }
  return best && best.distance <= Math.max(2, Math.floor(key.length / 3)) ? best.candidate : undefined
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index)
  for (let i = 1; i <= a.length; i++) {
    const current = [i]
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1)
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution)
    }
    previous = current
  }
  return previous[b.length] ?? 0
}
