export type { RoutePlugin, ServerContext } from './context.js'
export {
  createServer,
  DEFAULT_BODY_LIMIT,
  type RunningServer,
  type ServerOptions,
  startServer,
} from './create-server.js'
export { fromFastifyError, isMlflowPath, mlflowErrorCode } from './errors.js'
export { routePlugins } from './routes/index.js'
export { ArtifactUriMapper } from './routes/mlflow/convert.js'
