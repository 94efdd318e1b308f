export {
  type AlertEvent,
  type MonitorRecord,
  type MonitorRunSummary,
  MonitorStore,
  type SeriesPoint,
} from './monitor-store.js'
