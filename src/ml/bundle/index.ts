export {
  type Bundle,
  type BundleInfo,
  fromBundle,
  manifestText,
  parseManifest,
  readBundleDir,
  readBundleFromStore,
  toBundle,
  writeBundleDir,
  writeBundleToStore,
} from './bundle.js'
export {
  getFamily,
  listFamilies,
  type ModelFamily,
  type ModelParts,
  prefixTensors,
  registerFamily,
  type Tensor,
  unprefixTensors,
} from './family.js'
export {
  BUNDLE_FORMAT,
  BUNDLE_FORMAT_VERSION,
  type BundleManifest,
  MANIFEST_FILE,
  manifestSchema,
  signatureSchema,
  type TensorDtype,
  type TensorRef,
  WEIGHTS_FILE,
} from './manifest.js'
export type { Model, PredictionResult, RowPrediction, RowPredictor } from './model.js'
export type { InputSpec, OutputSpec, Signature, Task } from './signature.js'
