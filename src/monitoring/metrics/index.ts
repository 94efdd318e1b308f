export {
  MONITORING_METRIC_NAMES,
  MonitoringMetrics,
  type MonitoringMetricsOptions,
  registerMonitoringMetrics,
} from './monitoring-metrics.js'
