import { packageBuild } from '../../tsup.shared.js'

// No shims: nothing in src/ locates files (the migrations are compiled in), so the CJS build
// needs no `import.meta.url`.
export default packageBuild()
