export {
  MonitoringService,
  type MonitoringServiceOptions,
  type MonitorRunOutcome,
} from './monitoring-service.js'
