export { type AlertOutcome, evaluateAlerts } from './alert-engine.js'
export {
  type AlertCondition,
  type AlertRule,
  type AlertRuleInput,
  type AlertSignal,
  alertRuleSchema,
  type Comparison,
  formatCondition,
  parseAlertRules,
  parseCondition,
} from './alert-rule.js'
export {
  type AlertState,
  type AlertTransition,
  applyOutcome,
  initialAlertState,
  stepAlert,
} from './alert-state.js'
export { type ConditionOutcome, evaluateCondition } from './evaluate-condition.js'
export {
  type AlertmanagerAlert,
  AlertmanagerNotifier,
  toAlertmanagerAlert,
} from './notifiers/alertmanager-notifier.js'
export { createNotifiers } from './notifiers/create-notifiers.js'
export { LogNotifier } from './notifiers/log-notifier.js'
export {
  type AlertNotification,
  type Notifier,
  type NotifierConfig,
  type NotifyOutcome,
  notifierConfigSchema,
} from './notifiers/notifier.js'
export { type PostOptions, type PostResult, postJson } from './notifiers/post-json.js'
export { WebhookNotifier } from './notifiers/webhook-notifier.js'
