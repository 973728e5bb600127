export { type CronwardenConfig, defineConfig } from './config.js'
