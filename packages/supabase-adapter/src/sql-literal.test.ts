import { describe, expect, it } from 'vitest'
import { inlineParameters, sqlLiteral } from './sql-literal.js'

describe('sqlLiteral', () => {
  it('quotes text, doubling single quotes', () => {
    expect(sqlLiteral('plain')).toBe("'plain'")
    expect(sqlLiteral("it's")).toBe("'it''s'")
    expect(sqlLiteral('')).toBe("''")
  })

  it('writes text with a backslash as an E string, backslashes doubled, whatever standard_conforming_strings says', () => {
    expect(sqlLiteral('a\\b')).toBe(" E'a\\\\b'")
    expect(sqlLiteral("\\'; select 1; --")).toBe(" E'\\\\''; select 1; --'")
  })

  it('quotes numbers, bigints and booleans as text for the placeholder cast to read', () => {
    expect(sqlLiteral(60_000)).toBe("'60000'")
    expect(sqlLiteral(-1.5)).toBe("'-1.5'")
    expect(sqlLiteral(12345678901234567890n)).toBe("'12345678901234567890'")
    expect(sqlLiteral(true)).toBe("'true'")
    expect(sqlLiteral(null)).toBe('null')
  })

  it('writes arrays in PostgreSQL array syntax, each element double-quoted and escaped', () => {
    expect(sqlLiteral(['a', 'b"c', 'd\\e', null, 7])).toBe(` E'{"a","b\\\\"c","d\\\\\\\\e",NULL,"7"}'`)
    expect(sqlLiteral([])).toBe("'{}'")
  })

  it('refuses what cannot be sent, naming what was expected', () => {
    expect(() => sqlLiteral('a\u0000b')).toThrow('a SQL value cannot contain a NUL character (U+0000)')
    expect(() => sqlLiteral(Number.NaN)).toThrow('expected a finite number as a SQL value, got NaN')
    expect(() => sqlLiteral(Number.POSITIVE_INFINITY)).toThrow('expected a finite number')
    expect(() => sqlLiteral(new Date(0) as unknown as string)).toThrow(
      'expected a string, number, bigint, boolean or null as a SQL value, got object',
    )
    expect(() => sqlLiteral([['nested']] as unknown as string[])).toThrow('expected a flat array')
  })
})

describe('inlineParameters', () => {
  it('replaces each numbered placeholder, $10 included, and keeps the casts', () => {
    const params = Array.from({ length: 10 }, (_, index) => `v${index + 1}`)
    expect(inlineParameters('select f($1::text, $10::text)', params)).toBe("select f('v1'::text, 'v10'::text)")
  })

  it('refuses a placeholder without a value', () => {
    expect(() => inlineParameters('select $2::text', ['only one'])).toThrow(
      'query placeholder $2 has no value: 1 given',
    )
  })
})
