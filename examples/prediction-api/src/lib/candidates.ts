import {
  baselineClassifier,
  baselineRegressor,
  type Estimator,
  gradientBoosting,
  logisticRegression,
  oneHotEncoder,
  pipeline,
  ridge,
  simpleImputer,
  standardScaler,
} from 'cairn/ml'

/** params.yaml → train_housing */
export interface HousingTrainParams {
  /** Which candidates to train: any of gbdt, ridge, baseline. */
  candidates: string[]
  gbdt: { n_estimators: number; max_depth: number; learning_rate: number }
  ridge: { alpha: number }
}

/** params.yaml → train_iris */
export interface IrisTrainParams {
  /** Which candidates to train: any of logistic, gbdt, baseline. */
  candidates: string[]
  logistic: { C: number }
  gbdt: { n_estimators: number; max_depth: number; learning_rate: number }
}

/**
 * House-price candidates. Everything a request needs is inside the model, so the API takes the raw
 * district attributes: gradient boosting handles the missing total_bedrooms and the
 * ocean_proximity category natively; ridge gets an imputer, a one-hot encoder and a scaler in
 * front of it, all saved in its bundle.
 */
export function housingCandidates(p: HousingTrainParams): Record<string, Estimator> {
  const all: Record<string, () => Estimator> = {
    gbdt: () =>
      gradientBoosting({
        nEstimators: p.gbdt.n_estimators,
        maxDepth: p.gbdt.max_depth,
        learningRate: p.gbdt.learning_rate,
      }),
    ridge: () =>
      pipeline(
        [
          simpleImputer({ columns: ['total_bedrooms'], strategy: 'median' }),
          oneHotEncoder({ columns: ['ocean_proximity'], handleUnknown: 'ignore' }),
          standardScaler({ columns: 'numeric' }),
        ],
        ridge({ alpha: p.ridge.alpha }),
      ),
    baseline: () => baselineRegressor({ strategy: 'mean' }),
  }
  return pick(all, p.candidates, 'train_housing')
}

/** Iris candidates: a scaled multinomial logistic regression, gradient boosting, a majority baseline. */
export function irisCandidates(p: IrisTrainParams): Record<string, Estimator> {
  const all: Record<string, () => Estimator> = {
    logistic: () =>
      pipeline([standardScaler({ columns: 'numeric' })], logisticRegression({ C: p.logistic.C })),
    gbdt: () =>
      gradientBoosting({
        objective: 'multiclass',
        nEstimators: p.gbdt.n_estimators,
        maxDepth: p.gbdt.max_depth,
        learningRate: p.gbdt.learning_rate,
      }),
    baseline: () => baselineClassifier({ strategy: 'most-frequent' }),
  }
  return pick(all, p.candidates, 'train_iris')
}

function pick(
  all: Record<string, () => Estimator>,
  names: readonly string[],
  section: string,
): Record<string, Estimator> {
  if (names.length === 0) throw new Error(`params.yaml: ${section}.candidates is empty`)
  const out: Record<string, Estimator> = {}
  for (const name of names) {
    const make = all[name]
    if (!make)
      throw new Error(
        `params.yaml: ${section}.candidates has "${name}"; choose from ${Object.keys(all).join(', ')}`,
      )
    out[name] = make()
  }
  return out
}
