/**
 * Code examples as the docs show them: every ```ts block of a markdown file, every ```ts block inside a module's
 * doc comment, each with where it came from and the output the doc says it prints (a ```text block after "prints").
 */

export interface Example {
  /** Repository-relative file and 1-based line of the block's opening fence. */
  readonly file: string
  readonly line: number
  readonly code: string
  /** The lines the doc says the example prints, if it says. */
  readonly prints?: string
}

const FENCE = /^(\s*)```(\w*)\s*$/

/** The fenced blocks of some lines: language, first line number (1-based, of the fence), body. */
const blocks = (lines: ReadonlyArray<string>): Array<{ readonly lang: string; readonly line: number; readonly body: string; readonly end: number }> => {
  const out: Array<{ lang: string; line: number; body: string; end: number }> = []
  for (let i = 0; i < lines.length; i++) {
    const open = FENCE.exec(lines[i]!)
    if (open === null || open[2] === '') continue
    const body: Array<string> = []
    let j = i + 1
    while (j < lines.length && !/^\s*```\s*$/.test(lines[j]!)) body.push(lines[j++]!)
    out.push({ lang: open[2]!, line: i + 1, body: body.join('\n'), end: j })
    i = j
  }
  return out
}

/** Pairs each ts block with the text block announced by a "prints" line right after it. */
const examplesOf = (file: string, lines: ReadonlyArray<string>): Array<Example> => {
  const all = blocks(lines)
  return all.flatMap((b, k) => {
    if (b.lang !== 'ts') return []
    const next = all[k + 1]
    const announced = next !== undefined && next.lang === 'text' && /^\s*prints\s*$/.test(lines[b.end + 1] ?? '')
    return [{ file, line: b.line, code: b.body, ...(announced ? { prints: next.body } : {}) }]
  })
}

/** The examples of a markdown document. */
export const fromMarkdown = (file: string, text: string): Array<Example> => examplesOf(file, text.split('\n'))

/** The examples in the first doc comment of a TypeScript module (its header), with the ` * ` prefixes removed. */
export const fromModuleDoc = (file: string, text: string): Array<Example> => {
  const match = /^\/\*\*\n([\s\S]*?)\n \*\//.exec(text)
  if (match === null) return []
  const lines = match[1]!.split('\n').map((l) => l.replace(/^ \* ?/, '').replace(/^ \*$/, ''))
  // Line numbers: the header's second line is the file's line 2.
  return examplesOf(file, lines).map((e) => ({ ...e, line: e.line + 1 }))
}
