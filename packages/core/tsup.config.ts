import { packageBuild } from '../../tsup.shared.js'

export default packageBuild({
  entry: { index: 'src/index.ts', 'plugin/index': 'src/plugin/index.ts', 'testing/index': 'src/testing/index.ts' },
})
