import pc from 'picocolors'
import { type Progress, startProgress } from '../core/index.js'

/** What a step can do while it runs. */
export interface StepHandle {
  /** A progress bar on a terminal; nothing elsewhere (the step's result line says what was done). */
  progress(label: string, total: number, unit: string): Progress
  /** A line under the step's title. */
  detail(text: string): void
}

/** Numbered steps with their timing: `[3/9] Train …` then `  ✓ result (2.1 s)`. */
export class DemoSteps {
  #n = 0
  readonly #bars: boolean

  constructor(
    readonly total: number,
    readonly write: (text: string) => void,
    options: { bars?: boolean } = {},
  ) {
    this.#bars = options.bars ?? (process.stderr.isTTY === true && !process.env.CI)
  }

  async step<T>(title: string, fn: (step: StepHandle) => Promise<T>, summary: (r: T) => string): Promise<T> {
    this.#n++
    this.write(`\n${pc.bold(pc.cyan(`[${this.#n}/${this.total}]`))} ${pc.bold(title)}\n`)
    const t0 = performance.now()
    const handle: StepHandle = {
      progress: (label, total, unit) =>
        startProgress({ label: `  ${label}`, total, unit, mode: this.#bars ? 'bar' : 'silent' }),
      detail: (text) => this.write(`  ${pc.dim('·')} ${text}\n`),
    }
    try {
      const result = await fn(handle)
      const secs = ((performance.now() - t0) / 1000).toFixed(1)
      this.write(`  ${pc.green('✓')} ${summary(result)} ${pc.dim(`(${secs} s)`)}\n`)
      return result
    } catch (err) {
      this.write(`  ${pc.red('✗')} ${(err as Error).message}\n`)
      throw err
    }
  }
}

/** 12,345 */
export function int(n: number): string {
  return Math.round(n).toLocaleString('en-US')
}

/** 31.42 */
export function fixed(n: number | null | undefined, digits = 2): string {
  return n === null || n === undefined || !Number.isFinite(n) ? '—' : n.toFixed(digits)
}
