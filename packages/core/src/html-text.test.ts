import { describe, expect, it } from 'vitest'
import { escapeHtml } from './html-text.js'

describe('escapeHtml', () => {
  it('turns every character that can start markup or end an attribute into an entity', () => {
    expect(escapeHtml(`<script>alert("x")</script> & 'y'`)).toBe(
      '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;y&#39;',
    )
  })

  it('escapes an ampersand that already looks like an entity, so the text shows as typed', () => {
    expect(escapeHtml('&lt; &amp;')).toBe('&amp;lt; &amp;amp;')
  })

  it('neutralises bidi controls and lone surrogates, as every channel does', () => {
    expect(escapeHtml('job\u202Egnp.exe')).toBe('job\uFFFDgnp.exe')
    expect(escapeHtml('cut \uD83D')).toBe('cut \uFFFD')
  })
})
