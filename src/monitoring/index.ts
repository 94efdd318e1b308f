// drift tests and their statistics
export * from './drift/index.js'
export * as stats from './stats/index.js'
