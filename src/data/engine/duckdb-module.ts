import type * as DuckDbApi from '@duckdb/node-api'
import type DuckDbBindings from '@duckdb/node-bindings'

/** The DuckDB packages, loaded on first use: importing the data layer does not load the native engine. */
export interface DuckDbModule {
  api: typeof DuckDbApi
  bindings: typeof DuckDbBindings
}

let loaded: DuckDbModule | undefined

/** Load DuckDB (once); every engine is created through this. */
export async function loadDuckDb(): Promise<DuckDbModule> {
  if (!loaded) {
    const [api, bindings] = await Promise.all([import('@duckdb/node-api'), import('@duckdb/node-bindings')])
    loaded = { api, bindings: bindings.default }
  }
  return loaded
}

/** DuckDB for code that runs on an engine's results (an engine exists, so DuckDB is loaded). */
export function duckDb(): DuckDbModule {
  if (!loaded) throw new Error('DuckDB is used before an engine was created')
  return loaded
}
