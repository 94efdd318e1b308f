export {
  type AlertEvent,
  type AlertWindowRecord,
  type MonitorRecord,
  type MonitorRunSummary,
  MonitorStore,
  type SeriesPoint,
} from './monitor-store.js'
