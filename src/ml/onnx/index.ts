export { exportOnnx } from './export.js'
export type { OnnxOutputs } from './export-common.js'
export { exportLinear } from './export-linear.js'
export { exportMlp } from './export-mlp.js'
export { exportTrees, type TreeModelLike } from './export-trees.js'
export { attr, ElemType, GraphBuilder } from './graph-builder.js'
export {
  importOnnx,
  importOnnxFile,
  type OnnxImportOptions,
  OnnxModel,
  onnxBundle,
  onnxFamily,
} from './onnx-model.js'
export { loadOnnxRuntime, type OrtSession, type OrtValueMetadata } from './runtime.js'
