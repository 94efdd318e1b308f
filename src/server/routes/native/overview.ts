import type { RoutePlugin } from '../../context.js'

/** How many of each thing the stores hold (the UI's home page and empty states). */
export const overviewRoutes: RoutePlugin = {
  name: 'native-overview',
  register(app, ctx) {
    const db = ctx.metadata.db
    const count = async (q: () => Promise<{ n: number | string | bigint } | undefined>): Promise<number> => {
      try {
        return Number((await q())?.n ?? 0)
      } catch {
        return 0
      }
    }
    app.get(
      '/api/v1/overview',
      {
        schema: {
          summary: 'Counts of experiments, runs, models, datasets, pipeline runs, monitors, alerts',
          tags: ['Server'],
        },
      },
      async () => ({
        experiments: await count(() =>
          db
            .selectFrom('experiments')
            .select((eb) => eb.fn.countAll().as('n'))
            .where('lifecycle_stage', '=', 'active')
            .executeTakeFirst(),
        ),
        runs: await count(() =>
          db
            .selectFrom('runs')
            .select((eb) => eb.fn.countAll().as('n'))
            .where('lifecycle_stage', '=', 'active')
            .executeTakeFirst(),
        ),
        models: await count(() =>
          db
            .selectFrom('registered_models')
            .select((eb) => eb.fn.countAll().as('n'))
            .executeTakeFirst(),
        ),
        modelVersions: await count(() =>
          db
            .selectFrom('model_versions')
            .select((eb) => eb.fn.countAll().as('n'))
            .where('deleted', '=', 0)
            .executeTakeFirst(),
        ),
        datasets: await count(() =>
          db
            .selectFrom('data_datasets')
            .select((eb) => eb.fn.countAll().as('n'))
            .executeTakeFirst(),
        ),
        pipelineRuns: await count(() =>
          db
            .selectFrom('pipeline_runs')
            .select((eb) => eb.fn.countAll().as('n'))
            .executeTakeFirst(),
        ),
        monitors: await count(() =>
          db
            .selectFrom('monitors')
            .select((eb) => eb.fn.countAll().as('n'))
            .executeTakeFirst(),
        ),
        firingAlerts: await count(() =>
          db
            .selectFrom('monitor_alert_states')
            .select((eb) => eb.fn.countAll().as('n'))
            .where('state', '=', 'firing')
            .executeTakeFirst(),
        ),
      }),
    )
  },
}
