import { readFile } from 'node:fs/promises'
import { extname } from 'node:path'
import { stringify } from 'yaml'
import { CairnError, parseYaml, writeFileAtomic } from '../../core/index.js'
import { type DatasetSchema, parseSchema, schemaToPlain } from './schema.js'

/** Read a schema from a `.yaml`/`.yml` or `.json` file. */
export async function readSchemaFile(path: string): Promise<DatasetSchema> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (err) {
    throw new CairnError('CAIRN_CONFIG_NOT_FOUND', `Cannot read schema file ${path}`, {
      cause: err,
      hint: 'Create one with `cairn data ingest <source> --save-schema <file>`.',
    })
  }
  const data = extname(path).toLowerCase() === '.json' ? parseJson(text, path) : parseYaml(text, path)
  return parseSchema(data, path)
}

function parseJson(text: string, path: string): unknown {
  try {
    return JSON.parse(text)
  } catch (err) {
    throw new CairnError('CAIRN_CONFIG_INVALID', `${path}: ${(err as Error).message}`, { cause: err })
  }
}

/** The schema as YAML text. */
export function schemaToYaml(schema: DatasetSchema): string {
  return stringify(schemaToPlain(schema), { lineWidth: 0 })
}

/** Save a schema atomically as YAML (or JSON for a `.json` path). */
export async function writeSchemaFile(path: string, schema: DatasetSchema): Promise<void> {
  const text =
    extname(path).toLowerCase() === '.json'
      ? `${JSON.stringify(schemaToPlain(schema), null, 2)}\n`
      : schemaToYaml(schema)
  await writeFileAtomic(path, text)
}
