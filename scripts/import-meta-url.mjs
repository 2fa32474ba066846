// Injected into the CommonJS bundles by scripts/build.mjs, which maps `import.meta.url` to this
// export: in a CommonJS bundle, `__filename` is the bundle's own file.
import { pathToFileURL } from 'node:url';

export const importMetaUrl = pathToFileURL(__filename).href;
