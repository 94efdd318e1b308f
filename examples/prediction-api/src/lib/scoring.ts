import type { Frame } from 'cairn/data'
import { type Model, scoreModel } from 'cairn/ml'
import type { ModelTask } from './datasets.js'

/** The metrics reported per task; the task's own metric decides. */
export const REPORTED: Record<ModelTask['name'], string[]> = {
  housing: ['rmse', 'mae', 'r2'],
  iris: ['accuracy', 'balanced_accuracy'],
}

/** Score a model on held-out rows with the task's metrics. */
export function scoreTask(model: Model, frame: Frame, task: ModelTask): Record<string, number> {
  return scoreModel(model, frame, { target: task.target, metrics: REPORTED[task.name] })
}

/** True when `a` beats `b` on the task's metric. */
export function better(task: ModelTask, a: number, b: number): boolean {
  return task.greaterIsBetter ? a > b : a < b
}
