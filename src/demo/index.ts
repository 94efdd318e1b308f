export { EXPERIMENT, FEATURES, MODEL, MONITOR, prepareDemoProject, TARGET } from './demo-project.js'
export {
  CALM_DAY,
  flightsParquetPath,
  HISTORY_DAYS,
  STORM_DAY,
  STORM_DESCRIPTION,
  STORM_HUBS,
} from './flights-data.js'
export { type FlightsPipelineDeps, flightsPipeline } from './pipeline.js'
export { type DemoOptions, type DemoRun, runDemo } from './run-demo.js'
export type { DayFacts, DemoFacts } from './story.js'
