import type { Expectation, ValidationPolicy } from '../../src/data/index.js'

/** The 10 expectations both sides check (pandas_run.py does the same checks). */
export const suiteSpec: { policy: ValidationPolicy; expectations: Expectation[] } = {
  policy: 'warn',
  expectations: [
    { kind: 'not_null', column: 'id' },
    { kind: 'unique', column: 'id' },
    { kind: 'not_null', column: 'x1' },
    { kind: 'between', column: 'x2', min: 0, max: 100 },
    { kind: 'in_set', column: 'c1', values: ['c0', 'c1', 'c2', 'c3', 'c4'] },
    { kind: 'match_regex', column: 'code', pattern: '^[A-Z]{2}-[0-9]{5}$' },
    { kind: 'length_between', column: 'note', min: 1, max: 60 },
    { kind: 'mean_between', column: 'x3', min: -10, max: 10 },
    { kind: 'row_count_between', min: 1, max: 100_000_000 },
    { kind: 'column_pair', left: 'i2', op: '<=', right: 'i3' },
  ],
}
