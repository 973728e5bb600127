export { type CronwardenConfig, defineConfig } from './config.js'
export { UsageError } from './errors.js'
