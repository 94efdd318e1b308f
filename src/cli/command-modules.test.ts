import { describe, expect, it } from 'vitest'
import { allCommandLoaders, commandModules, commandNameOf } from './command-modules.js'
import { buildProgram } from './program.js'

describe('lazy command modules', () => {
  it('maps exactly the top-level commands the modules register', async () => {
    const program = buildProgram(await Promise.all(allCommandLoaders().map((load) => load())))
    const registered = program.commands.map((c) => c.name()).sort()
    expect(Object.keys(commandModules).sort()).toEqual(registered)
  })

  it('maps each command to the module that registers it', async () => {
    for (const [name, load] of Object.entries(commandModules)) {
      const program = buildProgram([await load()])
      expect(
        program.commands.map((c) => c.name()),
        name,
      ).toContain(name)
    }
  })

  it('finds the command name past global options', () => {
    expect(commandNameOf(['node', 'cairn', '--tracking-uri', 'sqlite:///x.db', 'runs', 'list'])).toBe('runs')
    expect(commandNameOf(['node', 'cairn', '-v'])).toBeUndefined()
    expect(commandNameOf(['node', 'cairn', 'status', '--json'])).toBe('status')
  })
})
