import { parseOptions } from '@cronwarden/core'
import { z } from 'zod'
import type { Db } from './db.js'

/** Parses a strict object schema with core's messages; unknown keys suggest a known one. */
export function parseStrictOptions<Shape extends z.ZodRawShape>(
  schema: z.ZodObject<Shape>,
  input: unknown,
  subject: string,
): z.output<z.ZodObject<Shape>> {
  return parseOptions(schema, input, subject, Object.keys(schema.shape))
}

export const dbSchema = z.custom<Db>((value) => typeof (value as Partial<Db> | null)?.query === 'function', {
  message: 'expected a Db: an object with query(text, params)',
})

export const clockSchema = z.custom<() => Date>((value) => typeof value === 'function', {
  message: 'expected a function returning a Date',
})
