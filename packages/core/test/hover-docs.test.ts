import { relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import ts from 'typescript'
import { describe, expect, it } from 'vitest'

/**
 * Entry points whose exports must show documentation on hover, relative to the repository
 * root. Another package joins by adding its entry points here: one program covers them all.
 */
const ENTRY_POINTS = [
  'packages/core/src/index.ts',
  'packages/core/src/plugin/index.ts',
  'packages/core/src/testing/index.ts',
  'packages/slack-notifier/src/index.ts',
  'packages/webhook-notifier/src/index.ts',
  'packages/email-notifier/src/index.ts',
  'packages/supabase-adapter/src/index.ts',
  'packages/cli/src/index.ts',
]

const repo = fileURLToPath(new URL('../../../', import.meta.url))

/**
 * The source tsconfig: every package's options, with `@cronwarden/*` mapped to source, so a
 * member documented in another package (an error's `name` from `CronwardenError`) is seen
 * on a fresh clone, before any `dist/` exists. Only the checker's view is wanted.
 */
function compilerOptions(): ts.CompilerOptions {
  const parsed = ts.getParsedCommandLineOfConfigFile(resolve(repo, 'tsconfig.source.json'), undefined, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
      throw new Error(ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'))
    },
  })
  if (!parsed || parsed.errors.length > 0) {
    const errors = parsed?.errors ?? []
    throw new Error(errors.map((error) => ts.flattenDiagnosticMessageText(error.messageText, '\n')).join('\n'))
  }
  return { ...parsed.options, noEmit: true, skipLibCheck: true, declaration: false, sourceMap: false }
}

/**
 * What a user hovers: each export (re-exports followed to their declaration), and the members
 * of exported interfaces, classes and object type aliases (each arm of a union, zod-inferred
 * event types among them). Members declared in a library, private class members and a
 * member whose documentation is inherited from a documented base are not reported.
 */
function undocumented(entryPoints: readonly string[]): { missing: string[]; checked: number } {
  const program = ts.createProgram(
    entryPoints.map((entry) => resolve(repo, entry)),
    compilerOptions(),
  )
  const checker = program.getTypeChecker()
  const seen = new Set<ts.Symbol | ts.Node>()
  const missing: string[] = []
  let checked = 0

  const hasDocs = (parts: ts.SymbolDisplayPart[]) => ts.displayPartsToString(parts).trim() !== ''
  const ours = (node: ts.Node) => {
    const file = node.getSourceFile()
    return !file.isDeclarationFile && !program.isSourceFileFromExternalLibrary(file)
  }
  // A user can reach neither `private` / `protected` members nor `#names`.
  const visible = (declaration: ts.Declaration) => {
    const name = ts.getNameOfDeclaration(declaration)
    const hidden = ts.getCombinedModifierFlags(declaration) & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected)
    return !hidden && !(name && ts.isPrivateIdentifier(name))
  }
  const where = (node: ts.Node | undefined) => {
    if (!node) return 'no declaration'
    const file = node.getSourceFile()
    const { line } = file.getLineAndCharacterOfPosition(node.getStart())
    return `${relative(repo, file.fileName)}:${line + 1}`
  }
  const check = (label: string, node: ts.Node | undefined, documented: boolean) => {
    checked++
    if (!documented) missing.push(`${label} (${where(node)})`)
  }

  const checkMembers = (owner: string, symbol: ts.Symbol) => {
    if (!(symbol.flags & (ts.SymbolFlags.Interface | ts.SymbolFlags.Class | ts.SymbolFlags.TypeAlias))) return
    const type = checker.getDeclaredTypeOfSymbol(symbol)
    for (const part of type.isUnion() ? type.types : [type]) {
      for (const member of checker.getPropertiesOfType(part)) {
        const declaration = member.declarations?.[0]
        if (declaration && (!ours(declaration) || seen.has(declaration))) continue
        if (declaration) seen.add(declaration)
        if (declaration && !visible(declaration as ts.Declaration)) continue
        check(`${owner}.${member.name}`, declaration, hasDocs(member.getDocumentationComment(checker)))
      }
      // Call and construct signatures written as members (`interface Expect { (actual): ... }`).
      for (const kind of [ts.SignatureKind.Call, ts.SignatureKind.Construct]) {
        for (const signature of checker.getSignaturesOfType(part, kind)) {
          const declaration = signature.getDeclaration()
          if (!declaration || !ours(declaration) || seen.has(declaration)) continue
          if (!ts.isCallSignatureDeclaration(declaration) && !ts.isConstructSignatureDeclaration(declaration)) continue
          seen.add(declaration)
          const what = kind === ts.SignatureKind.Call ? 'call signature' : 'construct signature'
          check(`${owner} ${what}`, declaration, hasDocs(signature.getDocumentationComment(checker)))
        }
      }
    }
  }

  for (const entry of entryPoints) {
    const file = program.getSourceFile(resolve(repo, entry))
    if (!file) throw new Error(`${entry}: not found`)
    const module = checker.getSymbolAtLocation(file)
    if (!module) throw new Error(`${entry}: exports nothing`)
    for (const exported of checker.getExportsOfModule(module)) {
      const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported
      if (seen.has(symbol)) continue // the same declaration through another entry point
      seen.add(symbol)
      const label = `${entry}: ${exported.name}`
      check(label, symbol.declarations?.[0], hasDocs(symbol.getDocumentationComment(checker)))
      checkMembers(label, symbol)
    }
  }
  return { missing, checked }
}

describe('hover documentation', () => {
  it('documents every export, and every member of an exported type, of the listed entry points', () => {
    const { missing, checked } = undocumented(ENTRY_POINTS)
    // A broken program (an entry point moved, a module not resolved) must not pass as "all documented".
    expect(checked).toBeGreaterThan(ENTRY_POINTS.length * 10)
    expect(missing).toEqual([])
  }, 60_000)
})
