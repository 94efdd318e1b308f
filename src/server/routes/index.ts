import type { RoutePlugin } from '../context.js'
import { healthRoutes } from './health.js'
import { mlflowArtifactRoutes } from './mlflow/artifacts.js'
import { mlflowRegistryRoutes } from './mlflow/registry.js'
import { mlflowTrackingRoutes } from './mlflow/tracking.js'
import { nativeRegistryRoutes } from './native/registry.js'
import { nativeTrackingRoutes } from './native/tracking.js'

/**
 * Every route plugin the server mounts, in order. A layer adds its API (data, pipelines,
 * serving, monitoring, the UI's static files) with one line here.
 */
export const routePlugins: RoutePlugin[] = [
  healthRoutes,
  mlflowTrackingRoutes,
  mlflowRegistryRoutes,
  mlflowArtifactRoutes,
  nativeTrackingRoutes,
  nativeRegistryRoutes,
]
