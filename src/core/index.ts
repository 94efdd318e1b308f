export { type ErrorCode, errorCodes, httpStatusFor } from './error-codes.js'
export {
  CairnError,
  type CairnErrorOptions,
  CairnValidationError,
  formatError,
  invariant,
  isCairnError,
  toCairnError,
  type ValidationIssue,
} from './errors.js'
export { moveIntoPlace, pathExists, tempPathFor, writeFileAtomic } from './fs-atomic.js'
export { HASH_ALGORITHM, hashBytes, hashFile, hashObject, stableStringify } from './hash.js'
export { newId, shortId, timeOrderedId } from './ids.js'
export { createLogger, getLogger, type Logger, setLogger } from './logger.js'
export { type Progress, type ProgressOptions, startProgress } from './progress.js'
export {
  findProjectRoot,
  type LoadProjectOptions,
  loadProjectConfig,
  PROJECT_FILE,
  type ProjectConfig,
  STATE_DIR,
} from './project.js'
export { parseStoreUri, type StoreLocation } from './uri.js'
export { cairnVersion } from './version.js'
export { startWorker } from './workers.js'
export { getByPath, parseYaml, readYamlFile, setByPath } from './yaml-file.js'
