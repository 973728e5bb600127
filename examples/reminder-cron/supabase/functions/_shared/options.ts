import { z } from 'zod'
import type { Db } from './db.ts'

export const dbSchema = z.custom<Db>((value) => typeof (value as Partial<Db> | null)?.query === 'function', {
  message: 'expected a Db: an object with query(text, params)',
})

export const clockSchema = z.custom<() => Date>((value) => typeof value === 'function', {
  message: 'expected a function returning a Date',
})
