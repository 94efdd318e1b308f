import { existsSync } from 'node:fs'
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { CairnError } from '../core/index.js'

/** The registered model, its experiment and the monitor of the demo. */
export const MODEL = 'flights-delay'
export const EXPERIMENT = 'flights-delay'
export const MONITOR = 'flights'
/** Marks a folder the demo made, so a rerun may wipe it and nothing else. */
const MARKER = '.cairn-demo'

/** The features the model sees (what a client sends to the prediction API). */
export const FEATURES = ['dep_hour', 'distance', 'origin', 'destination'] as const
export const TARGET = 'delay'

const CAIRN_YAML = `# The Cairn demo project (written by \`cairn demo\`; safe to delete).
project: flights-demo

# Monitoring of the served model: drift, data quality and performance per day of traffic,
# alerts, and the retraining gate that promotes a challenger only when it is better.
monitors:
  ${MONITOR}:
    model: ${MODEL}
    alias: champion
    task: regression
    reference: flights-train@latest      # what the champion was trained on
    target: ${TARGET}
    window: 1d
    drift:
      driftShare: 0.5                    # the day drifts when half the features do
    quality:
      maxNewCategoryShare: 0.01          # new airports appear; more than 1% of rows is a problem
    alerts:
      - { name: FlightsDrift, when: dataset_drift, severity: warning, notify: [log] }
      - { name: DelayErrorHigh, when: "metric rmse > 45", severity: critical, notify: [log] }
    retrain:
      pipeline: flights
      when: FlightsDrift
      alias: champion
      metric: rmse
      margin: 0.5                        # minutes of RMSE the challenger must win by
      heldOut: flights-holdout@latest
`

const PARAMS_YAML = `# Parameters of the flights pipeline (src/demo/pipeline.ts in the Cairn checkout).
data:
  dataset: flights
  window_days: 7         # train on the newest 7 daily partitions
  rows_per_day: 1500     # flights sampled from each day
  holdout_fraction: 0.3  # of the newest day, kept for evaluation and the gate
  seed: 7
train:
  cv_folds: 3
  gbdt_trials: 6
  ridge_alphas: [0.3, 3, 30]
register:
  model: ${MODEL}
  alias: champion
`

const EXPECTATIONS_YAML = `# Checks every daily partition of flights must pass on ingest (rows failing a row check are
# quarantined as dataset flights.quarantine), and the training window must pass before training.
name: flights
policy: quarantine
expectations:
  - { kind: column_exists, column: date }
  - { kind: not_null, column: origin }
  - { kind: not_null, column: destination }
  - { kind: match_regex, column: origin, pattern: "^[A-Z0-9]{3}$" }
  - { kind: between, column: distance, min: 1, max: 6000 }
  - { kind: between, column: delay, min: -60, max: 720 }
  - { kind: row_count_between, min: 5000, policy: fail }
`

const README = `# The Cairn demo project

\`cairn demo\` wrote this folder and everything in it. It is an ordinary Cairn project:

| path | what it is |
|---|---|
| \`cairn.yaml\` | the project: the \`${MONITOR}\` monitor, its alerts and its retraining gate |
| \`params.yaml\` | the pipeline's parameters |
| \`config/expectations.yaml\` | the data checks every daily partition passes on ingest |
| \`data/raw/flights/dt=*/\` | the raw daily files, as an upstream system would drop them |
| \`.cairn/\` | the embedded store: \`cairn.db\` (SQLite) and \`artifacts/\` |
| \`reports/\` | the monitoring report (HTML and JSON) |
| \`demo-facts.json\` | what the demo measured, as data |

Look around with the CLI from this folder:

\`\`\`sh
cairn data list
cairn runs search -e ${EXPERIMENT} --order-by "metrics.rmse ASC"
cairn models history ${MODEL}
cairn monitor status ${MONITOR}
cairn serve models:/${MODEL}@champion
\`\`\`
`

/** Make (or remake) the demo folder and write its project files; returns its absolute path. */
export async function prepareDemoProject(dir: string): Promise<string> {
  const root = resolve(dir)
  if (existsSync(root)) {
    const entries = await readdir(root)
    if (entries.length > 0 && !entries.includes(MARKER)) {
      throw new CairnError('CAIRN_CONFLICT', `${root} exists and was not made by \`cairn demo\``, {
        hint: 'Give the demo another folder with --dir, or remove that one.',
      })
    }
    await rm(root, { recursive: true, force: true })
  }
  await mkdir(join(root, 'config'), { recursive: true })
  await writeFile(join(root, MARKER), 'made by `cairn demo`; the next demo run replaces this folder\n')
  await writeFile(join(root, 'cairn.yaml'), CAIRN_YAML)
  await writeFile(join(root, 'params.yaml'), PARAMS_YAML)
  await writeFile(join(root, 'config', 'expectations.yaml'), EXPECTATIONS_YAML)
  await writeFile(join(root, 'README.md'), README)
  await writeFile(join(root, '.gitignore'), '*\n')
  return root
}
