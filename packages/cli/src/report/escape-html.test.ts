import { describe, expect, it } from 'vitest'
import { escapeHtml, html, trustedHtml } from './escape-html.js'

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

describe('html', () => {
  it('escapes interpolated text and numbers, including inside attribute values', () => {
    const name = '"><img src=x onerror=alert(1)>'
    expect(html`<p title="${name}">${name} ${42}</p>`.toString()).toBe(
      '<p title="&quot;&gt;&lt;img src=x onerror=alert(1)&gt;">&quot;&gt;&lt;img src=x onerror=alert(1)&gt; 42</p>',
    )
  })

  it('nests its own results and arrays of them without escaping them twice', () => {
    const items = ['<a>', '<b>'].map((text) => html`<li>${text}</li>`)
    expect(html`<ul>${items}</ul>`.toString()).toBe('<ul><li>&lt;a&gt;</li><li>&lt;b&gt;</li></ul>')
  })

  it('renders nothing for null, undefined and booleans, so conditions read naturally', () => {
    expect(html`[${null}${undefined}${false}${true}]`.toString()).toBe('[]')
  })

  it('takes the page’s own constants as markup only when marked trusted', () => {
    expect(html`${trustedHtml('<b>x</b>')}|${'<b>x</b>'}`.toString()).toBe('<b>x</b>|&lt;b&gt;x&lt;/b&gt;')
  })
})
