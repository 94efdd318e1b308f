import { createRequire } from 'node:module'
import type OnnxProto from 'onnx-proto'

/** The ONNX protobuf classes. */
export type OnnxLib = typeof OnnxProto.onnx

let lib: OnnxLib | undefined

/** onnx-proto, loaded on first use (importing the model library does not pay for it). */
export function onnxLib(): OnnxLib {
  lib ??= (createRequire(import.meta.url)('onnx-proto') as typeof OnnxProto).onnx
  return lib
}
