import { collectDefaultMetrics, Registry } from 'prom-client'
import { FastCounter, FastGauge, FastHistogram } from './fast-metrics.js'

/** The Prometheus metrics of a serving process. */
export class ServingMetrics {
  readonly registry = new Registry()
  /** `cairn_requests_total{model,version,route,status}` */
  readonly requests = new FastCounter(
    'cairn_requests_total',
    'Prediction requests answered, by model, version, route and HTTP status',
    ['model', 'version', 'route', 'status'],
    this.registry,
  )
  /** `cairn_request_duration_seconds{model,version,route}` */
  readonly duration = new FastHistogram(
    'cairn_request_duration_seconds',
    'Time from receiving a prediction request to answering it',
    ['model', 'version', 'route'],
    this.registry,
  )
  /** `cairn_predictions_total{model,version,variant}` (rows, not requests) */
  readonly predictions = new FastCounter(
    'cairn_predictions_total',
    'Rows predicted, by model, version and traffic variant (champion, canary, shadow)',
    ['model', 'version', 'variant'],
    this.registry,
  )
  /** `cairn_prediction_errors_total{model,version}` */
  readonly predictionErrors = new FastCounter(
    'cairn_prediction_errors_total',
    'Predictions that failed inside the model (answered 500, or a shadow that threw)',
    ['model', 'version', 'variant'],
    this.registry,
  )
  /** `cairn_model_loaded{model,version,variant}`: 1 while that version serves. */
  readonly modelLoaded = new FastGauge(
    'cairn_model_loaded',
    'Model versions currently loaded and serving (1), by traffic variant',
    ['model', 'version', 'variant'],
    this.registry,
  )
  /** `cairn_model_reloads_total{model,result}` */
  readonly reloads = new FastCounter(
    'cairn_model_reloads_total',
    'Hot reloads after an alias or bundle changed, by result (ok, failed)',
    ['model', 'result'],
    this.registry,
  )
  /** `cairn_prediction_log_dropped_total` */
  readonly logDropped = new FastCounter(
    'cairn_prediction_log_dropped_total',
    'Prediction-log rows dropped because the log queue stayed full',
    [],
    this.registry,
  )
  /** `cairn_prediction_log_written_total` */
  readonly logWritten = new FastCounter(
    'cairn_prediction_log_written_total',
    'Prediction-log rows written to the store',
    [],
    this.registry,
  )
  /** `cairn_prediction_log_queued_rows` */
  readonly logQueued = new FastGauge(
    'cairn_prediction_log_queued_rows',
    'Prediction-log rows waiting to be written',
    [],
    this.registry,
  )
  /** `cairn_feedback_total` */
  readonly feedback = new FastCounter(
    'cairn_feedback_total',
    'Ground-truth labels received for earlier predictions',
    [],
    this.registry,
  )

  constructor(options: { processMetrics?: boolean } = {}) {
    this.logQueued.aggregator = 'sum'
    if (options.processMetrics !== false) collectDefaultMetrics({ register: this.registry })
  }
}
