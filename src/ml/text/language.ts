/**
 * A small language guesser for monitoring, not for linguistics. First the dominant Unicode script
 * decides (Cyrillic, Greek, Arabic, Hebrew, Devanagari, Thai, Hangul, kana → Japanese, Han →
 * Chinese). Latin-script text is told apart by counting very common function words of English,
 * German, French, Spanish, Italian, Portuguese and Dutch; Cyrillic by letters only Ukrainian uses.
 * Short or ambiguous text answers `und` (undetermined) with a low confidence.
 */

const SCRIPTS: [string, RegExp][] = [
  ['Latin', /\p{Script=Latin}/u],
  ['Cyrillic', /\p{Script=Cyrillic}/u],
  ['Greek', /\p{Script=Greek}/u],
  ['Arabic', /\p{Script=Arabic}/u],
  ['Hebrew', /\p{Script=Hebrew}/u],
  ['Devanagari', /\p{Script=Devanagari}/u],
  ['Thai', /\p{Script=Thai}/u],
  ['Hangul', /\p{Script=Hangul}/u],
  ['Kana', /[\p{Script=Hiragana}\p{Script=Katakana}]/u],
  ['Han', /\p{Script=Han}/u],
]

const SCRIPT_LANGUAGE: Record<string, string> = {
  Greek: 'el',
  Arabic: 'ar',
  Hebrew: 'he',
  Devanagari: 'hi',
  Thai: 'th',
  Hangul: 'ko',
  Kana: 'ja',
  Han: 'zh',
}

const FUNCTION_WORDS: Record<string, string> = {
  en: 'the and of to is in that it for was with as on are this be have not you by at',
  de: 'der die das und ist nicht ich sie es zu den mit sich des auf ein eine dem auch',
  fr: 'le la les et est une des du que pas pour dans qui sur au avec il elle sont ce',
  es: 'el la los las y es que en del una por con para no se su al lo como pero',
  it: 'il la di che è e un una per non sono del della con gli le ma come anche',
  pt: 'o a os as e é que do da em um uma para com não no na dos se por',
  nl: 'de het een en is van dat niet op te zijn met voor er ik maar ook aan',
}
const WORD_SETS = Object.entries(FUNCTION_WORDS).map(
  ([lang, words]) => [lang, new Set(words.split(' '))] as const,
)

/** The guess for one text. */
export interface LanguageGuess {
  /** ISO 639-1 code, or `und` when undetermined. */
  language: string
  /** The dominant script, or `none` for text without letters. */
  script: string
  /** 0–1: share of letters in the dominant script × (for Latin) the winning share of function-word hits. */
  confidence: number
}

/** Count letters per script. */
export function scriptCounts(text: string): Record<string, number> {
  const counts: Record<string, number> = {}
  for (const ch of text) {
    if (!/\p{L}/u.test(ch)) continue
    let name = 'Other'
    for (const [n, re] of SCRIPTS) {
      if (re.test(ch)) {
        name = n
        break
      }
    }
    counts[name] = (counts[name] ?? 0) + 1
  }
  return counts
}

/** Guess the language of a text from its script and, for Latin and Cyrillic, its words and letters. */
export function guessLanguage(text: string): LanguageGuess {
  const counts = scriptCounts(text)
  const total = Object.values(counts).reduce((a, b) => a + b, 0)
  if (total === 0) return { language: 'und', script: 'none', confidence: 0 }
  let script = 'Other'
  let best = 0
  for (const [k, v] of Object.entries(counts)) {
    if (v > best) {
      best = v
      script = k
    }
  }
  // Japanese mixes kana with Han; any kana at all means Japanese
  if (script === 'Han' && (counts.Kana ?? 0) > 0) script = 'Kana'
  const share = (counts[script] ?? best) / total
  if (SCRIPT_LANGUAGE[script]) return { language: SCRIPT_LANGUAGE[script]!, script, confidence: share }
  if (script === 'Cyrillic') {
    const uk = /[іїєґ]/iu.test(text)
    return { language: uk ? 'uk' : 'ru', script, confidence: share * (uk ? 0.9 : 0.7) }
  }
  if (script !== 'Latin') return { language: 'und', script, confidence: 0 }
  const hits: Record<string, number> = {}
  let all = 0
  for (const m of text.toLowerCase().matchAll(/\p{L}+/gu)) {
    for (const [lang, set] of WORD_SETS) {
      if (set.has(m[0])) {
        hits[lang] = (hits[lang] ?? 0) + 1
        all++
      }
    }
  }
  let lang = 'und'
  let top = 0
  for (const [k, v] of Object.entries(hits)) {
    if (v > top) {
      top = v
      lang = k
    }
  }
  if (top < 2) return { language: 'und', script, confidence: 0.1 * share }
  return { language: lang, script, confidence: share * (top / all) }
}
