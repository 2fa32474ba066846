// The repository's own Electron app starts here: package.json "main" names this file for
// `npm start` (Electron reads it from the project folder). The packaged app's manifest names the
// bundle itself (electron-builder.yml, extraMetadata), and hosts of the package never load it:
// the package's entry points are its "exports". npm packs the "main" file whatever "files" says,
// so it is this stub rather than the app's whole bundle.
// eslint-disable-next-line @typescript-eslint/no-require-imports -- CommonJS: loading the bundle is its job
require('./dist/main/index.cjs');
