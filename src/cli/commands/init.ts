import type { Command } from 'commander'
import pc from 'picocolors'
import { printJson } from '../output.js'
import type { CommandRegistrar } from '../program.js'

interface InitFlags {
  template: string
  name?: string
  link: boolean
  json?: boolean
}

/** `cairn init <dir> [--template tabular|regression|text|ranking]`. */
export const registerInit: CommandRegistrar = (program) => {
  program
    .command('init <dir>')
    .description('Scaffold a Cairn project: pipeline, params, config, typed stages, tests and sample data')
    .option('-t, --template <name>', 'tabular | regression | text | ranking', 'tabular')
    .option('--name <name>', 'project name (default: the folder name)')
    .option('--no-link', 'do not link node_modules/cairn to this Cairn (run npm install instead)')
    .option('--json', 'print what was made as JSON')
    .addHelpText(
      'after',
      `
Templates:
  tabular      binary classification on a customer table (churn), gradient boosting
  regression   regression on house sales (price), gradient boosting
  text         text classification of support tickets, TF-IDF with a linear model
  ranking      recommendations from implicit feedback, matrix factorization

Then:  cd <dir> && cairn run && npm test`,
    )
    .action(async (dir: string, flags: InitFlags, _cmd: Command) => {
      const { initProject, TEMPLATE_NAMES } = await import('../../init/index.js')
      if (!(TEMPLATE_NAMES as readonly string[]).includes(flags.template)) {
        const { CairnError } = await import('../../core/index.js')
        throw new CairnError('CAIRN_INVALID_ARGUMENT', `Unknown template "${flags.template}"`, {
          hint: `Use one of: ${TEMPLATE_NAMES.join(', ')}`,
        })
      }
      const r = await initProject({
        dir,
        template: flags.template as (typeof TEMPLATE_NAMES)[number],
        ...(flags.name ? { name: flags.name } : {}),
        link: flags.link,
      })
      if (flags.json) {
        printJson(r)
        return
      }
      process.stdout.write(
        [
          `${pc.green('✓')} Created a ${pc.bold(r.template)} project in ${pc.bold(r.root)}`,
          `  ${r.files.length} files; sample data: ${r.rows} rows in ${r.partitions.length} daily partitions (data/raw/dt=${r.partitions[0]} … ${r.partitions.at(-1)})`,
          r.linkedTo
            ? `  node_modules/cairn → ${r.linkedTo} (a file: dependency; works offline)`
            : '  run `npm install` to install cairn (a file: dependency) and tsx',
          '',
          'Next:',
          `  cd ${dir}`,
          '  cairn run          # ingest → validate → features → train → evaluate (registers the model)',
          '  npm test           # the tests in tests/',
          '  cairn serve -c config/serving.yaml',
          '',
        ].join('\n'),
      )
    })
}
