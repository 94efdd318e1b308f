import { CairnError } from '../../core/index.js'
import { murmurhash3 } from './murmur.js'
import { CsrBuilder, type CsrMatrix, normalizeRows } from './sparse.js'
import { type Analyzer, createAnalyzer, type TokenizerOptions } from './tokenizer.js'

/** How documents become sparse vectors. */
export interface VectorizerSpec {
  /** `count` (term counts), `tfidf` (counts × smoothed idf) or `hashing` (no vocabulary: terms hashed into `nFeatures` columns). */
  kind: 'count' | 'tfidf' | 'hashing'
  tokenizer?: Partial<TokenizerOptions>
  /** Drop terms in fewer documents than this (a count, or a fraction when < 1). */
  minDf?: number
  /** Drop terms in more documents than this fraction (or count when > 1). */
  maxDf?: number
  /** Keep only the most frequent terms. */
  maxFeatures?: number
  /** Count presence (0/1) instead of occurrences. */
  binary?: boolean
  /** tf → 1 + ln(tf). */
  sublinearTf?: boolean
  /** Row normalisation; default `l2` for tfidf and hashing, none for counts. */
  norm?: 'l2' | null
  /** Hashing: number of columns (default 2^18). */
  nFeatures?: number
  /** Hashing: alternate the sign by hash to reduce collision bias (default true). */
  alternateSign?: boolean
}

/** A fitted vectorizer: its spec, the vocabulary (not for hashing) and idf weights (tfidf). */
export class Vectorizer {
  private readonly analyze: Analyzer
  private readonly index: Map<string, number> | undefined

  constructor(
    readonly spec: VectorizerSpec,
    readonly vocabulary: string[] | undefined,
    readonly idf: Float32Array | undefined,
  ) {
    this.analyze = createAnalyzer(spec.tokenizer)
    this.index = vocabulary ? new Map(vocabulary.map((t, i) => [t, i])) : undefined
  }

  get width(): number {
    return this.vocabulary ? this.vocabulary.length : (this.spec.nFeatures ?? 2 ** 18)
  }

  /** Learn the vocabulary and document frequencies. */
  static fit(spec: VectorizerSpec, docs: readonly (string | null)[]): Vectorizer {
    return Vectorizer.fitTransform(spec, docs, false).vectorizer
  }

  /** Fit and transform in one pass over the text (each document is tokenised once). */
  static fitTransform(
    spec: VectorizerSpec,
    docs: readonly (string | null)[],
    transform = true,
  ): { vectorizer: Vectorizer; matrix: CsrMatrix | undefined } {
    if (spec.kind === 'hashing') {
      const v = new Vectorizer(spec, undefined, undefined)
      return { vectorizer: v, matrix: transform ? v.transform(docs) : undefined }
    }
    const analyze = createAnalyzer(spec.tokenizer)
    // First pass: every distinct term gets a provisional id; documents are kept as id lists.
    const ids = new Map<string, number>()
    const termsById: string[] = []
    const dfById: number[] = []
    const tfById: number[] = []
    const lastDoc: number[] = []
    const docIds: Int32Array[] = []
    docs.forEach((d, di) => {
      const t = d ? analyze(d) : []
      const row = new Int32Array(t.length)
      for (let i = 0; i < t.length; i++) {
        const w = t[i]!
        let id = ids.get(w)
        if (id === undefined) {
          id = termsById.length
          ids.set(w, id)
          termsById.push(w)
          dfById.push(0)
          tfById.push(0)
          lastDoc.push(-1)
        }
        row[i] = id
        tfById[id]!++
        if (lastDoc[id] !== di) {
          lastDoc[id] = di
          dfById[id]!++
        }
      }
      if (transform) docIds.push(row)
    })
    const df = { get: (w: string) => dfById[ids.get(w)!] }
    const tf = { get: (w: string) => tfById[ids.get(w)!] }
    const n = docs.length
    const minDf = spec.minDf === undefined ? 1 : spec.minDf < 1 ? Math.ceil(spec.minDf * n) : spec.minDf
    const maxDf = spec.maxDf === undefined ? n : spec.maxDf <= 1 ? Math.floor(spec.maxDf * n) : spec.maxDf
    let terms = termsById.filter((_, id) => dfById[id]! >= minDf && dfById[id]! <= maxDf)
    if (spec.maxFeatures && terms.length > spec.maxFeatures) {
      terms.sort((a, b) => (tf.get(b) ?? 0) - (tf.get(a) ?? 0) || (a < b ? -1 : 1))
      terms = terms.slice(0, spec.maxFeatures)
    }
    terms.sort()
    if (terms.length === 0) {
      throw new CairnError(
        'CAIRN_EMPTY_TRAINING_DATA',
        'No terms remain after tokenising the training documents',
        {
          details: { documents: n, minDf, maxDf },
          hint: 'The documents are empty, or stop words / minDf / maxDf removed every term; relax them or check the text column',
        },
      )
    }
    let idf: Float32Array | undefined
    if (spec.kind === 'tfidf') {
      idf = new Float32Array(terms.length)
      terms.forEach((t, i) => {
        idf![i] = Math.log((1 + n) / (1 + (df.get(t) ?? 0))) + 1
      })
    }
    const vectorizer = new Vectorizer(spec, terms, idf)
    if (!transform) return { vectorizer, matrix: undefined }
    const column = new Int32Array(termsById.length).fill(-1)
    terms.forEach((t, c) => {
      column[ids.get(t)!] = c
    })
    return { vectorizer, matrix: vectorizer.fromIds(docIds, column) }
  }

  /** Build the matrix from provisional term ids (`column` maps them to vocabulary columns, −1 = dropped). */
  private fromIds(docs: readonly Int32Array[], column: Int32Array): CsrMatrix {
    const counts = new Float64Array(this.width)
    const touched: number[] = []
    const indptr = new Int32Array(docs.length + 1)
    const indices: number[] = []
    const data: number[] = []
    docs.forEach((row, r) => {
      touched.length = 0
      for (const id of row) {
        const c = column[id]!
        if (c < 0) continue
        if (counts[c] === 0) touched.push(c)
        counts[c] = counts[c]! + 1
      }
      touched.sort((a, b) => a - b)
      for (const c of touched) {
        let x = this.spec.binary ? 1 : counts[c]!
        if (this.spec.sublinearTf) x = 1 + Math.log(x)
        if (this.idf) x *= this.idf[c]!
        indices.push(c)
        data.push(x)
        counts[c] = 0
      }
      indptr[r + 1] = indices.length
    })
    return this.finish({
      rows: docs.length,
      cols: this.width,
      indptr,
      indices: Int32Array.from(indices),
      data: Float32Array.from(data),
    })
  }

  private finish(m: CsrMatrix): CsrMatrix {
    const norm = this.spec.norm === undefined ? (this.spec.kind === 'count' ? null : 'l2') : this.spec.norm
    return norm === 'l2' ? normalizeRows(m) : m
  }

  /** Documents → a `docs × width` CSR matrix. Missing and empty documents give empty rows. */
  transform(docs: readonly (string | null)[]): CsrMatrix {
    const b = new CsrBuilder(this.width)
    const row = new Map<number, number>()
    for (const d of docs) {
      row.clear()
      if (d) this.accumulate(d, row)
      b.addRow(row)
    }
    return this.finish(b.build())
  }

  /** One document into a (column → value) map, before normalisation. */
  accumulate(doc: string, row: Map<number, number>): void {
    this.countTokens(this.analyze(doc), row)
  }

  private countTokens(tokens: readonly string[], row: Map<number, number>): void {
    const hashing = this.spec.kind === 'hashing'
    const nf = this.spec.nFeatures ?? 2 ** 18
    const alt = this.spec.alternateSign ?? true
    for (const t of tokens) {
      if (hashing) {
        const h = murmurhash3(t)
        const col = Math.abs(h) % nf
        const v = alt && h < 0 ? -1 : 1
        row.set(col, (row.get(col) ?? 0) + v)
      } else {
        const col = this.index!.get(t)
        if (col !== undefined) row.set(col, (row.get(col) ?? 0) + 1)
      }
    }
    if (this.spec.binary || this.spec.sublinearTf || this.idf) {
      for (const [k, v] of row) {
        let x = this.spec.binary ? Math.sign(v) : v
        if (this.spec.sublinearTf && x !== 0) x = Math.sign(x) * (1 + Math.log(Math.abs(x)))
        if (this.idf) x *= this.idf[k]!
        row.set(k, x)
      }
    }
  }
}
