// Monitoring: drift, data quality, performance, alerts, reports and the retraining gate.
export * from './alerts/index.js'
export * from './drift/index.js'
export * from './monitor/index.js'
export * from './performance/index.js'
export * from './quality/index.js'
export * as stats from './stats/index.js'
export * from './store/index.js'
export * from './windows/index.js'
