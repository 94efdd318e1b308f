/** Why a stage must run again. */
export type StaleReason =
  | { kind: 'never-run' }
  | { kind: 'always-changed' }
  | { kind: 'forced' }
  | { kind: 'definition-changed' }
  | { kind: 'command-changed'; old: string; new: string }
  | { kind: 'code-changed' }
  | { kind: 'wdir-changed'; old: string; new: string }
  | { kind: 'dep-changed'; path: string; old: string; new: string; version?: string }
  | { kind: 'dep-added'; path: string }
  | { kind: 'dep-removed'; path: string }
  | { kind: 'dep-missing'; path: string }
  | { kind: 'param-changed'; file: string; key: string; old: unknown; new: unknown }
  | { kind: 'param-added'; file: string; key: string; new: unknown }
  | { kind: 'param-removed'; file: string; key: string; old: unknown }
  | { kind: 'param-missing'; file: string; key: string | undefined }
  | { kind: 'out-missing'; path: string }
  | { kind: 'out-modified'; path: string }
  | { kind: 'out-added'; path: string }
  | { kind: 'upstream'; stage: string }

/** One line saying what changed, for `cairn status`. */
export function describeReason(r: StaleReason): string {
  switch (r.kind) {
    case 'never-run':
      return 'never run (no entry in cairn.lock)'
    case 'always-changed':
      return 'always_changed is set'
    case 'forced':
      return 'forced'
    case 'definition-changed':
      return 'stage definition changed (outputs, cache options or env)'
    case 'command-changed':
      return `command changed: ${short(r.old)} → ${short(r.new)}`
    case 'code-changed':
      return 'function source changed'
    case 'wdir-changed':
      return `wdir changed: ${r.old || '.'} → ${r.new || '.'}`
    case 'dep-changed':
      return `dep modified: ${r.path} (${r.old.slice(0, 8)} → ${r.new.slice(0, 8)}${r.version ? `, version ${r.version}` : ''})`
    case 'dep-added':
      return `dep added: ${r.path}`
    case 'dep-removed':
      return `dep removed: ${r.path}`
    case 'dep-missing':
      return `dep missing: ${r.path}`
    case 'param-changed':
      return `param changed: ${r.key} ${value(r.old)} → ${value(r.new)}${r.file === 'params.yaml' ? '' : ` (${r.file})`}`
    case 'param-added':
      return `param added: ${r.key} = ${value(r.new)}${r.file === 'params.yaml' ? '' : ` (${r.file})`}`
    case 'param-removed':
      return `param removed: ${r.key}${r.file === 'params.yaml' ? '' : ` (${r.file})`}`
    case 'param-missing':
      return `param not defined: ${r.key ?? '(whole file)'} in ${r.file}`
    case 'out-missing':
      return `output missing: ${r.path}`
    case 'out-modified':
      return `output modified: ${r.path}`
    case 'out-added':
      return `output added: ${r.path}`
    case 'upstream':
      return `upstream stage ${r.stage} will run`
  }
}

function short(s: string): string {
  return s.length > 60 ? `${s.slice(0, 57)}…` : s
}

function value(v: unknown): string {
  return typeof v === 'string' ? JSON.stringify(v) : (JSON.stringify(v) ?? String(v))
}
