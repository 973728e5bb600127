import type { Plugin } from 'esbuild'
import { packageBuild } from '../../tsup.shared.js'

/**
 * ky 1.x is ESM only, and Node 20.18 (our oldest engine) cannot `require()` an ES module, so
 * the CJS build carries ky compiled in. The ESM build imports it from `node_modules` like any
 * dependency, so an app using ky itself loads one copy.
 */
const kyExternalInEsm: Plugin = {
  name: 'ky-external-in-esm',
  setup(build) {
    if (build.initialOptions.format !== 'esm') return
    build.onResolve({ filter: /^ky$/ }, (args) => ({ path: args.path, external: true }))
  },
}

export default packageBuild({ noExternal: ['ky'], esbuildPlugins: [kyExternalInEsm] })
