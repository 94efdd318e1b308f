import { readFile } from 'node:fs/promises'
import { basename, resolve } from 'node:path'
import { CairnError, hashBytes } from '../core/index.js'
import {
  importOnnx,
  loadOnnxRuntime,
  type OnnxImportOptions,
  onnxBundle,
  writeBundleToStore,
} from '../ml/index.js'
import type { ModelVersion, RegistryClient } from '../registry/index.js'
import type { CairnTracking } from './cairn-tracking.js'

/** Options of `cairn.registry.registerOnnx`. */
export interface RegisterOnnxOptions {
  description?: string
  /** Tags of the new model version. */
  tags?: Record<string, string>
  /** Point these aliases at the new version. */
  aliases?: string[]
  /** Put the bundle in this run's artifacts instead of a run created for the import. */
  runId?: string
  /** Experiment of the run created for the import (default: the Default experiment). */
  experiment?: string
  /** Name of that run (default `onnx-<file name>`). */
  runName?: string
  /** Artifact path of the bundle inside the run (default `model`). */
  artifactPath?: string
  /** How to read the graph: declared signature, feature names, task, classes, output names. */
  import?: OnnxImportOptions
  /** Metrics the model is known to reach (kept in the bundle's manifest and logged on the run). */
  metrics?: Record<string, number>
}

/**
 * Register an `.onnx` file as the next version of `name`: the graph is checked and its signature
 * read (CAIRN_ONNX_INVALID before anything is written when it is not a usable ONNX model), wrapped
 * as a bundle of family `onnx`, stored as a run's `model` artifact and registered.
 */
export async function registerOnnx(
  registry: RegistryClient,
  tracking: CairnTracking,
  name: string,
  file: string,
  options: RegisterOnnxOptions = {},
): Promise<ModelVersion> {
  const path = resolve(file)
  let bytes: Uint8Array
  try {
    bytes = new Uint8Array(await readFile(path))
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    throw new CairnError(
      'CAIRN_NOT_FOUND',
      `Cannot read the ONNX file ${path}: ${code ?? (err as Error).message}`,
      {
        cause: err,
        details: { path },
        hint: 'Pass the path of an .onnx file, e.g. one written by torch.onnx.export or skl2onnx',
      },
    )
  }
  await loadOnnxRuntime()
  const model = importOnnx(bytes, options.import ?? {})
  const sha256 = hashBytes(bytes)
  const bundle = onnxBundle(model, {
    ...(options.metrics ? { metrics: options.metrics } : {}),
    lineage: { file: basename(path) },
  })
  const artifactPath = (options.artifactPath ?? 'model').replace(/^\/+|\/+$/g, '')
  const register = (runId: string) =>
    registry.createModelVersion({
      name,
      source: `runs:/${runId}/${artifactPath}`,
      runId,
      ...(options.description !== undefined ? { description: options.description } : {}),
      tags: { ...options.tags },
    })

  let version: ModelVersion
  if (options.runId) {
    await writeBundleToStore(await tracking.runArtifacts(options.runId), artifactPath, bundle)
    version = await register(options.runId)
  } else {
    const run = await tracking.startRun({
      ...(options.experiment ? { experiment: options.experiment } : {}),
      runName: options.runName ?? `onnx-${basename(path).replace(/\.onnx$/i, '')}`,
      tags: { 'cairn.model.source': 'onnx' },
    })
    try {
      await run.logParams({
        'onnx.file': basename(path),
        'onnx.sha256': sha256,
        'onnx.producer': model.layout.producer || 'unknown',
        'onnx.inputs': model.signature.inputs.length,
        task: model.signature.output.task,
      })
      if (options.metrics) run.logMetrics(options.metrics)
      await writeBundleToStore(await run.artifacts(), artifactPath, bundle)
      version = await register(run.id)
    } catch (err) {
      await run.end('FAILED').catch(() => {})
      throw err
    }
    await run.end('FINISHED')
  }
  for (const alias of options.aliases ?? []) await registry.setAlias(name, alias, version.version)
  return options.aliases?.length ? registry.getModelVersion(name, version.version) : version
}
