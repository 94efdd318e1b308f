import { guessLanguage } from './language.js'
import { createAnalyzer, type TokenizerOptions } from './tokenizer.js'

/** Summary statistics of a numeric series. */
export interface Distribution {
  mean: number
  min: number
  p50: number
  p95: number
  max: number
}

/**
 * A profile of a text column for data quality and drift monitoring: how long documents are, how
 * many are missing or empty, and the mix of scripts and (guessed) languages.
 */
export interface TextProfile {
  documents: number
  missing: number
  /** Present but with no tokens (empty, whitespace, only punctuation or stop words). */
  empty: number
  characters: Distribution
  tokens: Distribution
  /** Share of documents per dominant script (`none` for no letters). */
  scripts: Record<string, number>
  /** Share of documents per guessed language (`und` = undetermined). */
  languages: Record<string, number>
  /** Distinct tokens across all documents. */
  vocabularySize: number
}

/** Profile a column of documents. */
export function profileText(
  docs: readonly (string | null | undefined)[],
  tokenizer: Partial<TokenizerOptions> = {},
): TextProfile {
  const analyze = createAnalyzer({ ...tokenizer, analyzer: 'word', ngramRange: [1, 1] })
  const chars: number[] = []
  const tokens: number[] = []
  const scripts: Record<string, number> = {}
  const languages: Record<string, number> = {}
  const vocab = new Set<string>()
  let missing = 0
  let empty = 0
  for (const d of docs) {
    if (d === null || d === undefined) {
      missing++
      continue
    }
    const t = analyze(d)
    if (t.length === 0) empty++
    for (const w of t) vocab.add(w)
    chars.push(Array.from(d).length)
    tokens.push(t.length)
    const g = guessLanguage(d)
    scripts[g.script] = (scripts[g.script] ?? 0) + 1
    languages[g.language] = (languages[g.language] ?? 0) + 1
  }
  const present = chars.length
  const share = (r: Record<string, number>) =>
    Object.fromEntries(Object.entries(r).map(([k, v]) => [k, present ? v / present : 0]))
  return {
    documents: docs.length,
    missing,
    empty,
    characters: distribution(chars),
    tokens: distribution(tokens),
    scripts: share(scripts),
    languages: share(languages),
    vocabularySize: vocab.size,
  }
}

function distribution(v: number[]): Distribution {
  if (v.length === 0) return { mean: 0, min: 0, p50: 0, p95: 0, max: 0 }
  const s = [...v].sort((a, b) => a - b)
  const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * (s.length - 1) + 0.5))]!
  return {
    mean: s.reduce((a, b) => a + b, 0) / s.length,
    min: s[0]!,
    p50: q(0.5),
    p95: q(0.95),
    max: s[s.length - 1]!,
  }
}
