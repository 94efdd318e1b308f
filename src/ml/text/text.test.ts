import { describe, expect, it } from 'vitest'
import { type Frame, makeFrame, takeRows } from '../../data/index.js'
import { fromBundle, toBundle } from '../bundle/index.js'
import { Rng } from '../nn/index.js'
import { guessLanguage } from './language.js'
import { murmurhash3 } from './murmur.js'
import { textLinearClassifier, textNaiveBayesClassifier } from './text-estimator.js'
import type { TextClassifierModel } from './text-model.js'
import { profileText } from './text-profile.js'
import { createAnalyzer } from './tokenizer.js'
import { Vectorizer } from './vectorizer.js'

const TOPICS: Record<string, string[]> = {
  sport: 'match goal team striker keeper league coach season referee penalty'.split(' '),
  tech: 'software server database compiler kernel network laptop cloud code bug'.split(' '),
  food: 'recipe oven flour butter garlic sauce dinner bake salad pasta'.split(' '),
}
const LATER: Record<string, string[]> = {
  sport: 'tennis racket serve tournament'.split(' '),
  tech: 'gpu tensor chip firmware'.split(' '),
  food: 'soup noodle spice broth'.split(' '),
}
const FILLER = 'the a today really very people some new said time year good about'.split(' ')

/** Documents drawn from topic words mixed with shared filler; `later` draws topic words from a different set. */
function corpus(n: number, seed: number, later = false): Frame {
  const rng = new Rng(seed)
  const classes = Object.keys(TOPICS)
  const text: (string | null)[] = []
  const label: string[] = []
  for (let i = 0; i < n; i++) {
    const c = classes[i % classes.length]!
    const words = (later ? LATER : TOPICS)[c]!
    const doc: string[] = []
    const len = 4 + rng.int(8)
    for (let w = 0; w < len; w++) {
      doc.push(rng.next() < 0.35 ? words[rng.int(words.length)]! : FILLER[rng.int(FILLER.length)]!)
    }
    text.push(doc.join(' '))
    label.push(c)
  }
  return makeFrame([
    { name: 'body', type: 'text', values: text },
    {
      name: 'topic',
      type: 'category',
      codes: Int32Array.from(label, (l) => classes.indexOf(l)),
      categories: classes,
    },
  ])
}

function accuracy(m: TextClassifierModel, f: Frame): number {
  const p = m.predict(f)
  const col = f.columns[1]!
  if (col.type !== 'category') throw new Error('topic')
  let ok = 0
  for (let i = 0; i < f.rowCount; i++) if (p.classes![p.values[i]!] === col.categories[col.codes[i]!]) ok++
  return ok / f.rowCount
}

function logLoss(m: TextClassifierModel, f: Frame): number {
  const p = m.predict(f)
  const col = f.columns[1]!
  if (col.type !== 'category') throw new Error('topic')
  let s = 0
  for (let i = 0; i < f.rowCount; i++) {
    const k = p.classes!.indexOf(col.categories[col.codes[i]!]!)
    s -= Math.log(Math.max(1e-12, p.probabilities![i * 3 + k]!))
  }
  return s / f.rowCount
}

describe('tokeniser', () => {
  it('is unicode-aware: NFKC, accents, Cyrillic, one token per ideograph, stop words, n-grams', () => {
    const words = createAnalyzer({ stopWords: 'english' })
    expect(words('The Café’s ＦＵＬＬ-width Straße and Москва!')).toEqual([
      'café’s',
      'full',
      'width',
      'straße',
      'москва',
    ])
    expect(words('東京タワー')).toEqual(['東', '京', 'タ', 'ワ'])
    expect(createAnalyzer({ ngramRange: [1, 2] })('big red dog')).toEqual([
      'big',
      'red',
      'dog',
      'big red',
      'red dog',
    ])
    expect(createAnalyzer({ analyzer: 'char-wb', ngramRange: [3, 3] })('ab cd')).toEqual([
      ' ab',
      'ab ',
      ' cd',
      'cd ',
    ])
    expect(createAnalyzer({ analyzer: 'char', ngramRange: [2, 2] })('añb')).toEqual(['añ', 'ñb'])
  })

  it('hashes like MurmurHash3_x86_32', () => {
    expect(murmurhash3('')).toBe(0)
    expect(murmurhash3('hello') >>> 0).toBe(0x248bfa47)
    expect(murmurhash3('The quick brown fox jumps over the lazy dog') >>> 0).toBe(0x2e4ff723)
  })
})

describe('vectorizers', () => {
  const docs = ['apple banana apple', 'banana cherry', null, '']
  it('tf-idf uses smoothed idf and l2-normalised rows; empty documents give empty rows', () => {
    const v = Vectorizer.fit({ kind: 'tfidf' }, docs)
    expect(v.vocabulary).toEqual(['apple', 'banana', 'cherry'])
    const idfApple = Math.log(5 / 2) + 1
    const idfBanana = Math.log(5 / 3) + 1
    expect(v.idf![0]).toBeCloseTo(idfApple, 6)
    const x = v.transform(docs)
    const a = 2 * idfApple
    const b = idfBanana
    expect(x.data[0]).toBeCloseTo(a / Math.hypot(a, b), 6)
    expect([...x.indptr]).toEqual([0, 2, 4, 4, 4])
  })

  it('fitTransform gives the same matrix as fit then transform', () => {
    const corpusDocs = ['bb aa aa cc', 'cc cc dd', null, '', 'aa dd ee ee ee', 'zz top']
    for (const spec of [
      { kind: 'tfidf' as const, sublinearTf: true },
      { kind: 'count' as const, minDf: 2, binary: true },
      {
        kind: 'tfidf' as const,
        maxFeatures: 3,
        tokenizer: { ngramRange: [1, 2] as [number, number], minTokenLength: 1 },
      },
    ]) {
      const { vectorizer, matrix } = Vectorizer.fitTransform(spec, corpusDocs)
      const again = Vectorizer.fit(spec, corpusDocs).transform(corpusDocs)
      expect(vectorizer.vocabulary).toEqual(Vectorizer.fit(spec, corpusDocs).vocabulary)
      expect([...matrix!.indptr]).toEqual([...again.indptr])
      expect([...matrix!.indices]).toEqual([...again.indices])
      for (let i = 0; i < again.data.length; i++) expect(matrix!.data[i]).toBeCloseTo(again.data[i]!, 6)
    }
  })

  it('counts with minDf/maxFeatures, and hashing needs no vocabulary', () => {
    const c = Vectorizer.fit({ kind: 'count', minDf: 2 }, docs)
    expect(c.vocabulary).toEqual(['banana'])
    const h = Vectorizer.fit({ kind: 'hashing', nFeatures: 16 }, [])
    const x = h.transform(['apple apple'])
    expect(x.cols).toBe(16)
    expect(Math.abs(x.data[0]!)).toBeCloseTo(1)
    expect(() =>
      Vectorizer.fit({ kind: 'tfidf', tokenizer: { stopWords: 'english' } }, ['the and', '', null]),
    ).toThrow(expect.objectContaining({ code: 'CAIRN_EMPTY_TRAINING_DATA' }))
  })
})

describe('text classifiers', () => {
  const train = corpus(600, 1)
  const test = corpus(300, 2)

  it('logistic regression over tf-idf learns topics (log loss falls below ln 3 / 3, accuracy ≥ 0.9) and round-trips', async () => {
    const one = await textLinearClassifier({ epochs: 1 }).fit(train, { target: 'topic', seed: 1 })
    const model = await textLinearClassifier({ epochs: 10 }).fit(train, { target: 'topic', seed: 1 })
    expect(logLoss(model, test)).toBeLessThan(logLoss(one, test))
    expect(logLoss(model, test)).toBeLessThan(Math.log(3) / 3)
    expect(accuracy(model, test)).toBeGreaterThanOrEqual(0.9)
    const back = fromBundle(toBundle(model).manifest, toBundle(model).weights) as TextClassifierModel
    expect(back.family).toBe('text-linear')
    expect([...back.predict(test).probabilities!]).toEqual([...model.predict(test).probabilities!])
    const row = back.rowPredictor().predict({ body: 'the striker scored a goal in the league match' })
    expect(row.label).toBe('sport')
    expect(row.probabilities![0]).toBeCloseTo(
      back.predict(
        makeFrame([
          { name: 'body', type: 'text', values: ['the striker scored a goal in the league match'] },
        ]),
      ).probabilities![0]!,
      5,
    )
  })

  it('the hinge loss (linear SVM) and naive Bayes learn too', async () => {
    const svm = await textLinearClassifier({ loss: 'hinge', vectorizer: { kind: 'count' } }).fit(train, {
      target: 'topic',
    })
    expect(accuracy(svm, test)).toBeGreaterThanOrEqual(0.9)
    const nb = await textNaiveBayesClassifier().fit(train, { target: 'topic' })
    expect(accuracy(nb, test)).toBeGreaterThanOrEqual(0.9)
    const back = fromBundle(toBundle(nb).manifest, toBundle(nb).weights) as TextClassifierModel
    expect([...back.predict(test).values]).toEqual([...nb.predict(test).values])
  })

  it('empty and missing documents predict from the prior, without error', async () => {
    const nb = await textNaiveBayesClassifier().fit(train, { target: 'topic' })
    const f = makeFrame([{ name: 'body', type: 'text', values: ['', null, '!!! ...'] }])
    const p = nb.predict(f)
    expect(p.probabilities![0]).toBeCloseTo(1 / 3, 2)
    expect(nb.rowPredictor().predict({ body: null }).probabilities![1]).toBeCloseTo(1 / 3, 2)
    await expect(
      textNaiveBayesClassifier().fit(
        makeFrame([
          { name: 'body', type: 'text', values: ['', null] },
          { name: 'topic', type: 'string', values: ['a', 'b'] },
        ]),
        { target: 'topic' },
      ),
    ).rejects.toMatchObject({ code: 'CAIRN_EMPTY_TRAINING_DATA' })
  })

  it('partialFit on a shifted stream (new topic words) improves accuracy, with hashing features', async () => {
    const shifted = corpus(900, 3, true)
    const holdout = takeRows(
      shifted,
      Int32Array.from({ length: 300 }, (_, i) => 600 + i),
    )
    for (const est of [
      textLinearClassifier({ vectorizer: { kind: 'hashing', nFeatures: 4096 } }),
      textNaiveBayesClassifier({ vectorizer: { kind: 'hashing', nFeatures: 4096 } }),
    ]) {
      let m = await est.fit(train, { target: 'topic', seed: 2 })
      const before = accuracy(m, holdout)
      for (let b = 0; b < 3; b++) {
        m = await m.partialFit(
          takeRows(
            shifted,
            Int32Array.from({ length: 200 }, (_, i) => b * 200 + i),
          ),
          { epochs: 3 },
        )
      }
      const after = accuracy(m, holdout)
      expect(after).toBeGreaterThan(before + 0.2)
      expect(after).toBeGreaterThan(0.85)
      expect(m.updates).toBe(3)
      const unseen = makeFrame([
        { name: 'body', type: 'text', values: ['x'] },
        { name: 'topic', type: 'string', values: ['travel'] },
      ])
      await expect(m.partialFit(unseen)).rejects.toMatchObject({ code: 'CAIRN_UNSEEN_CLASS' })
    }
  })
})

describe('text profile and language guess', () => {
  it('guesses languages by script and function words', () => {
    expect(guessLanguage('The cat is on the mat and it is happy').language).toBe('en')
    expect(guessLanguage('Der Hund ist nicht mit der Katze auf dem Sofa').language).toBe('de')
    expect(guessLanguage('Le chat est sur la table avec les enfants').language).toBe('fr')
    expect(guessLanguage('El perro y la casa de los amigos').language).toBe('es')
    expect(guessLanguage('Привет, как дела?').language).toBe('ru')
    expect(guessLanguage('Привіт, як справи? Їжак').language).toBe('uk')
    expect(guessLanguage('東京は日本の首都です').language).toBe('ja')
    expect(guessLanguage('我们今天去公园').language).toBe('zh')
    expect(guessLanguage('مرحبا بالعالم').language).toBe('ar')
    expect(guessLanguage('12345 !!!')).toEqual({ language: 'und', script: 'none', confidence: 0 })
  })

  it('profiles lengths, missing/empty documents, scripts and languages', () => {
    const p = profileText(['The cat is on the mat and it is happy', '', null, 'Привет мир', '...'])
    expect(p.documents).toBe(5)
    expect(p.missing).toBe(1)
    expect(p.empty).toBe(2)
    expect(p.characters.max).toBe(37)
    expect(p.languages.en).toBeCloseTo(0.25)
    expect(p.scripts.Cyrillic).toBeCloseTo(0.25)
  })
})
