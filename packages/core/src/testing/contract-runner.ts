/**
 * The part of a test runner the contract suites use, so they run under any runner whose API
 * has this shape, without importing one: pass `import * as vitest from 'vitest'`, or
 * `import * as jest from '@jest/globals'` (Jest's `expect` has the same matchers). Matcher
 * results are `unknown`: the suites await the asynchronous ones.
 */
export interface ContractRunner {
  describe(name: string, body: () => void): unknown
  it(name: string, body: () => Promise<void> | void): unknown
  beforeAll(body: () => Promise<void> | void): unknown
  expect: ContractExpect
}

export interface ContractExpect {
  (
    actual: unknown,
  ): ContractAssertion & {
    resolves: ContractAssertion
    rejects: ContractAssertion
  }
  /** Matches any value made by this constructor (`String`, `Date`). */
  any(type: unknown): unknown
  objectContaining(expected: Record<string, unknown>): unknown
}

/** A value's matchers, and the same negated (Jest's `not` has no `not` of its own). */
export interface ContractAssertion extends ContractMatchers {
  not: ContractMatchers
}

export interface ContractMatchers {
  toBe(expected: unknown): unknown
  toEqual(expected: unknown): unknown
  toMatchObject(expected: object): unknown
  toHaveLength(length: number): unknown
  toBeNull(): unknown
  toMatch(expected: string | RegExp): unknown
  toBeInstanceOf(expected: unknown): unknown
  toBeGreaterThanOrEqual(expected: number): unknown
  toContainEqual(expected: unknown): unknown
  toThrow(expected?: string | RegExp): unknown
}
