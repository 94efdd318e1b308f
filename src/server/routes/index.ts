import type { RoutePlugin } from '../context.js'
import { healthRoutes } from './health.js'
import { metricsRoutes } from './metrics.js'
import { mlflowArtifactRoutes } from './mlflow/artifacts.js'
import { mlflowRegistryRoutes } from './mlflow/registry.js'
import { mlflowTrackingRoutes } from './mlflow/tracking.js'
import { nativeDataRoutes } from './native/data.js'
import { nativeMonitoringRoutes } from './native/monitoring.js'
import { overviewRoutes } from './native/overview.js'
import { nativePipelineRoutes } from './native/pipelines.js'
import { playgroundRoutes } from './native/playground.js'
import { nativeRegistryRoutes } from './native/registry.js'
import { runViewRoutes } from './native/run-views.js'
import { nativeTrackingRoutes } from './native/tracking.js'
import { uiRoutes } from './ui-static.js'

/**
 * Every route plugin the server mounts, in order. A layer adds its API (data, pipelines,
 * serving, monitoring, the UI's static files) with one line here.
 */
export const routePlugins: RoutePlugin[] = [
  healthRoutes,
  metricsRoutes,
  mlflowTrackingRoutes,
  mlflowRegistryRoutes,
  mlflowArtifactRoutes,
  nativeTrackingRoutes,
  nativeRegistryRoutes,
  runViewRoutes,
  overviewRoutes,
  nativeDataRoutes,
  nativePipelineRoutes,
  nativeMonitoringRoutes,
  playgroundRoutes,
  uiRoutes,
]
