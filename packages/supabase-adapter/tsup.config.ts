import { packageBuild } from '../../tsup.shared.js'

// `import.meta.url` locates the shipped migrations; the shim makes it work in the CJS build.
export default packageBuild({ shims: true })
