import { CairnError } from '../../core/index.js'

export type TokenKind =
  | 'ident'
  | 'string'
  | 'number'
  | 'op'
  | 'keyword'
  | 'lparen'
  | 'rparen'
  | 'comma'
  | 'eof'

/** One token of a filter or order-by clause; `start` is its 0-based offset in the input. */
export interface Token {
  kind: TokenKind
  /** The text as written. */
  text: string
  /** Identifiers: the key with quotes removed; strings: the unescaped value; keywords: upper case. */
  value: string
  start: number
}

const KEYWORDS = new Set(['AND', 'OR', 'NOT', 'LIKE', 'ILIKE', 'IN', 'IS', 'NULL', 'ASC', 'DESC'])
const IDENT_START = /[A-Za-z_]/
const IDENT_PART = /[\w.\-/:]/
const NUMBER_RE = /^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?/

/** Build the CAIRN_INVALID_FILTER error pointing at `position` in `input`. */
export function filterError(input: string, position: number, message: string, hint?: string): CairnError {
  const near = input.slice(position, position + 20).split(/\s/)[0] || 'end of input'
  const at = position >= input.length ? 'at the end' : `at position ${position} near "${near}"`
  return new CairnError('CAIRN_INVALID_FILTER', `Malformed filter ${at}: ${message}`, {
    details: { filter: input, position, token: position >= input.length ? null : near },
    hint:
      hint ??
      `Write comparisons like metrics.rmse < 0.5, params.model = 'gbdt', tags.team LIKE 'ml%', joined with AND\n  ${input}\n  ${' '.repeat(Math.min(position, input.length))}^`,
  })
}

/** Split a filter or order-by clause into tokens; CAIRN_INVALID_FILTER on a character it cannot read. */
export function tokenize(input: string): Token[] {
  const tokens: Token[] = []
  let i = 0
  const n = input.length
  while (i < n) {
    const c = input[i]!
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++
      continue
    }
    const start = i
    if (c === '(' || c === ')' || c === ',') {
      tokens.push({ kind: c === '(' ? 'lparen' : c === ')' ? 'rparen' : 'comma', text: c, value: c, start })
      i++
      continue
    }
    if (c === "'" || c === '"') {
      const { value, end } = readQuoted(input, i)
      tokens.push({ kind: 'string', text: input.slice(start, end), value, start })
      i = end
      continue
    }
    if (c === '`') {
      const { value, end } = readQuoted(input, i)
      const more = readIdentTail(input, end)
      tokens.push({ kind: 'ident', text: input.slice(start, more.end), value: value + more.value, start })
      i = more.end
      continue
    }
    if (c === '<' || c === '>' || c === '=' || c === '!') {
      const two = input.slice(i, i + 2)
      if (two === '<=' || two === '>=' || two === '!=' || two === '<>' || two === '==') {
        tokens.push({ kind: 'op', text: two, value: two === '<>' ? '!=' : two === '==' ? '=' : two, start })
        i += 2
        continue
      }
      if (c === '!') throw filterError(input, i, 'expected "!=" ')
      tokens.push({ kind: 'op', text: c, value: c, start })
      i++
      continue
    }
    if (/[\d.+-]/.test(c)) {
      const m = NUMBER_RE.exec(input.slice(i))
      if (m) {
        tokens.push({ kind: 'number', text: m[0], value: m[0], start })
        i += m[0].length
        continue
      }
    }
    if (IDENT_START.test(c)) {
      const { value, end } = readIdentTail(input, i)
      const upper = value.toUpperCase()
      if (KEYWORDS.has(upper) && !value.includes('.')) {
        tokens.push({ kind: 'keyword', text: value, value: upper, start })
      } else {
        tokens.push({ kind: 'ident', text: input.slice(start, end), value, start })
      }
      i = end
      continue
    }
    throw filterError(input, i, `unexpected character "${c}"`)
  }
  tokens.push({ kind: 'eof', text: '', value: '', start: n })
  return tokens
}

/** Read identifier characters from `i`; a `.` followed by a quote or backtick takes a quoted key. */
function readIdentTail(input: string, i: number): { value: string; end: number } {
  let value = ''
  while (i < input.length) {
    const c = input[i]!
    if (c === '.' && (input[i + 1] === '`' || input[i + 1] === '"' || input[i + 1] === "'")) {
      const q = readQuoted(input, i + 1)
      value += `.${q.value}`
      i = q.end
      continue
    }
    if (!IDENT_PART.test(c)) break
    value += c
    i++
  }
  return { value, end: i }
}

/** Read a quoted string starting at `i` (the quote); a doubled quote or a backslash escapes one. */
function readQuoted(input: string, i: number): { value: string; end: number } {
  const quote = input[i]!
  let value = ''
  let j = i + 1
  while (j < input.length) {
    const c = input[j]!
    if (c === '\\' && j + 1 < input.length) {
      value += input[j + 1]
      j += 2
      continue
    }
    if (c === quote) {
      if (input[j + 1] === quote) {
        value += quote
        j += 2
        continue
      }
      return { value, end: j + 1 }
    }
    value += c
    j++
  }
  throw filterError(input, i, `the ${quote === '`' ? 'backtick' : 'quote'} opened here is never closed`)
}
