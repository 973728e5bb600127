import { createColors } from 'picocolors'
import { describe, expect, it } from 'vitest'
import { renderStrip, STRIP_LEGEND } from './strip.js'

describe('the run strip', () => {
  it('gives each status its own shape, so it reads without colour', () => {
    const plain = createColors(false)
    expect(renderStrip(['succeeded', 'failed', 'abandoned', 'missed', 'skipped', 'running'], plain)).toBe('✓✗!?-~')
  })

  it('is one cell per run, in the order given', () => {
    expect(renderStrip(['succeeded', 'succeeded', 'failed'], createColors(false))).toBe('✓✓✗')
    expect(renderStrip([], createColors(false))).toBe('')
  })

  it('adds colour codes only when colour is on', () => {
    expect(renderStrip(['failed'], createColors(true))).toContain('\u001b[31m✗')
  })

  it('has a legend naming every status', () => {
    for (const status of ['succeeded', 'failed', 'abandoned', 'missed', 'skipped', 'running'])
      expect(STRIP_LEGEND).toContain(status)
  })
})
