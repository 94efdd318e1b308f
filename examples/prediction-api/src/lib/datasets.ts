/** The two models the API serves: registered name, target, metric and the features a request sends. */
export interface ModelTask {
  /** Registered model name (and the name the server answers under). */
  name: 'housing' | 'iris'
  /** The dataset name in the store (`cairn data list`). */
  dataset: string
  target: string
  /** The metric candidates and the champion are compared on. */
  metric: string
  greaterIsBetter: boolean
  /** Column used to stratify the splits (median income bucket, or the class). */
  stratify: string
  /** The features a prediction request holds. */
  features: readonly string[]
}

export const HOUSING: ModelTask = {
  name: 'housing',
  dataset: 'california-housing',
  target: 'median_house_value',
  metric: 'rmse',
  greaterIsBetter: false,
  stratify: 'income_cat',
  features: [
    'longitude',
    'latitude',
    'housing_median_age',
    'total_rooms',
    'total_bedrooms',
    'population',
    'households',
    'median_income',
    'ocean_proximity',
  ],
}

export const IRIS: ModelTask = {
  name: 'iris',
  dataset: 'iris',
  target: 'species',
  metric: 'accuracy',
  greaterIsBetter: true,
  stratify: 'species',
  features: ['sepal_length', 'sepal_width', 'petal_length', 'petal_width'],
}

export const TASKS = { housing: HOUSING, iris: IRIS } as const

/** Where the features stage writes a task's splits. */
export function splitPath(task: ModelTask, split: 'train' | 'valid' | 'test'): string {
  return `data/features/${task.name}-${split}.parquet`
}
