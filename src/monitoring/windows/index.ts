export { closedWindows, formatWindow, parseWindowSize, type TimeWindow, windowContaining } from './windows.js'
