export * from './bundle/index.js'
