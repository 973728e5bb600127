import { packageBuild } from '../../tsup.shared.js'

// The library entry (defineConfig and the config type) and the bin (`dist/bin.js`, its
// dependencies left to node_modules like any package's) in one build, so one clean.
export default packageBuild({
  entry: { index: 'src/index.ts', bin: 'src/bin.ts' },
  dts: { entry: { index: 'src/index.ts' } },
})
