export type {
  CategoryColumn,
  ColumnType,
  Frame,
  FrameColumn,
  NumericColumn,
  StringColumn,
} from './frame/frame.js'
export { isNumericColumn } from './frame/frame.js'
export {
  categoryColumn,
  cellValue,
  columnLength,
  dropColumns,
  frameFromRows,
  frameToRows,
  getColumn,
  makeFrame,
  numericColumn,
  selectColumns,
  takeRows,
} from './frame/frame-ops.js'
