import type { BuildOptions } from 'esbuild';

/** The app's bundles (see bundle-targets.mjs). */
export declare const bundleTargets: Array<
  BuildOptions & { entryPoints: string[]; outfile: string }
>;
/** The options every bundle shares. */
export declare const bundleDefaults: BuildOptions;
