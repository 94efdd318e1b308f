import { englishStopWords } from './stop-words.js'

/** How text is cut into features. */
export interface TokenizerOptions {
  /** `word` tokens, `char` n-grams over the whole text, or `char-wb` n-grams inside word boundaries. */
  analyzer: 'word' | 'char' | 'char-wb'
  /** Smallest and largest n-gram length (words or characters). */
  ngramRange: [number, number]
  lowercase: boolean
  /** `english`, a custom list, or none. Applies to word tokens before n-grams are formed. */
  stopWords: 'english' | readonly string[] | null
  /** Shortest word token kept (ideographs always count as words of their own). */
  minTokenLength: number
}

export const defaultTokenizerOptions: TokenizerOptions = {
  analyzer: 'word',
  ngramRange: [1, 1],
  lowercase: true,
  stopWords: null,
  minTokenLength: 2,
}

// Letters (with combining marks), digits and underscores form words; scripts written without spaces
// (Han, Hiragana, Katakana, Thai…) yield one token per character so they are not one giant word.
const WORD =
  /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}]|[\p{L}\p{N}_][\p{L}\p{M}\p{N}_'’]*/gu
const UNSPACED = /^[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}]$/u

/** A compiled analyzer: text → terms (with repeats), reusable across documents. */
export type Analyzer = (text: string) => string[]

/** Build the analyzer for some options. Text is NFKC-normalised first (full-width forms, ligatures). */
export function createAnalyzer(options: Partial<TokenizerOptions> = {}): Analyzer {
  const o = { ...defaultTokenizerOptions, ...options }
  const [lo, hi] = o.ngramRange
  if (!(lo >= 1 && hi >= lo)) throw new RangeError(`Invalid ngramRange [${lo}, ${hi}]`)
  const stop =
    o.stopWords === 'english'
      ? englishStopWords
      : o.stopWords
        ? new Set(o.stopWords.map((w) => w.toLowerCase()))
        : null
  const prep = (text: string) => {
    const t = text.normalize('NFKC')
    return o.lowercase ? t.toLowerCase() : t
  }
  const words = (text: string): string[] => {
    const out: string[] = []
    for (const m of text.matchAll(WORD)) {
      const w = m[0].replace(/[’']+$/u, '')
      if (w.length < o.minTokenLength && !UNSPACED.test(w)) continue
      if (stop?.has(w)) continue
      out.push(w)
    }
    return out
  }
  if (o.analyzer === 'word') {
    return (text) => {
      const tokens = words(prep(text))
      if (lo === 1 && hi === 1) return tokens
      const out: string[] = []
      for (let n = lo; n <= hi; n++) {
        for (let i = 0; i + n <= tokens.length; i++)
          out.push(n === 1 ? tokens[i]! : tokens.slice(i, i + n).join(' '))
      }
      return out
    }
  }
  const charGrams = (s: string, out: string[]) => {
    const chars = Array.from(s)
    for (let n = lo; n <= hi; n++)
      for (let i = 0; i + n <= chars.length; i++) out.push(chars.slice(i, i + n).join(''))
  }
  if (o.analyzer === 'char') {
    return (text) => {
      const out: string[] = []
      charGrams(prep(text).replace(/\s+/gu, ' '), out)
      return out
    }
  }
  return (text) => {
    const out: string[] = []
    for (const w of prep(text).split(/\s+/u)) if (w) charGrams(` ${w} `, out)
    return out
  }
}
