import { readFile } from 'node:fs/promises'
import { extname } from 'node:path'
import { CairnError, parseYaml } from '../../core/index.js'
import { type ExpectationSuite, parseSuite } from './expectation.js'

/** Read an expectation suite from a YAML or JSON file. */
export async function readSuiteFile(path: string): Promise<ExpectationSuite> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (err) {
    throw new CairnError('CAIRN_CONFIG_NOT_FOUND', `Cannot read expectations file ${path}`, { cause: err })
  }
  let data: unknown
  if (extname(path).toLowerCase() === '.json') {
    try {
      data = JSON.parse(text)
    } catch (err) {
      throw new CairnError('CAIRN_CONFIG_INVALID', `${path}: ${(err as Error).message}`, { cause: err })
    }
  } else data = parseYaml(text, path)
  return parseSuite(data, path)
}
