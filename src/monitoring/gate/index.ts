export {
  type ChallengerEvaluation,
  evaluateChallenger,
  GATE_EVENT_KINDS,
  type GateDecision,
  type ModelScores,
} from './evaluate-challenger.js'
export { pipelineTrainer } from './pipeline-trainer.js'
export {
  RetrainingGate,
  type RetrainingGateOptions,
  type RetrainOutcome,
  type Trainer,
  type TrainingRun,
} from './retraining-gate.js'
