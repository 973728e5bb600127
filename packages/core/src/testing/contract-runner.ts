/**
 * The part of a test runner the contract suites use, so they run under any runner whose API
 * has this shape, without importing one: pass `import * as vitest from 'vitest'`, or
 * `import * as jest from '@jest/globals'` (Jest's `expect` has the same matchers). Matcher
 * results are `unknown`: the suites await the asynchronous ones.
 */
export interface ContractRunner {
  /** Groups tests, as `describe` does in vitest and Jest. */
  describe(name: string, body: () => void): unknown
  /** Declares one test; the suites' bodies are async. */
  it(name: string, body: () => Promise<void> | void): unknown
  /** Runs once before the group's tests: the suites make their store here. */
  beforeAll(body: () => Promise<void> | void): unknown
  /** The runner's `expect`. */
  expect: ContractExpect
}

/** The part of `expect` the suites use. */
export interface ContractExpect {
  /** Starts an assertion on `actual`; `resolves` and `rejects` assert on a promise's outcome. */
  (
    actual: unknown,
  ): ContractAssertion & {
    resolves: ContractAssertion
    rejects: ContractAssertion
  }
  /** Matches any value made by this constructor (`String`, `Date`). */
  any(type: unknown): unknown
  /** Matches any object that has at least these properties, with equal values. */
  objectContaining(expected: Record<string, unknown>): unknown
}

/** A value's matchers, and the same negated (Jest's `not` has no `not` of its own). */
export interface ContractAssertion extends ContractMatchers {
  /** The same matchers, negated. */
  not: ContractMatchers
}

/** The matchers the suites use, each with its meaning in Jest and vitest. */
export interface ContractMatchers {
  /** Same value (`Object.is`). */
  toBe(expected: unknown): unknown
  /** Deeply equal. */
  toEqual(expected: unknown): unknown
  /** Has at least these properties, deeply equal. */
  toMatchObject(expected: object): unknown
  /** Its `length` is this. */
  toHaveLength(length: number): unknown
  /** Is `null`. */
  toBeNull(): unknown
  /** A string that contains this text or matches this pattern. */
  toMatch(expected: string | RegExp): unknown
  /** Made by this constructor. */
  toBeInstanceOf(expected: unknown): unknown
  /** A number at least this. */
  toBeGreaterThanOrEqual(expected: number): unknown
  /** An array with an element deeply equal to this. */
  toContainEqual(expected: unknown): unknown
  /** Threw (or, after `rejects`, rejected with) an error whose message contains or matches this. */
  toThrow(expected?: string | RegExp): unknown
}
