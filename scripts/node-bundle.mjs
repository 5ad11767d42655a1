// The esbuild options every Node program here is bundled with (scripts/run-ts.mjs, fp-daemon/bin.mjs): one ESM
// file for Node 22, because some dependencies (babylon-proto-ts) ship ESM with extensionless imports that Node's
// own resolver refuses.
export const NODE_BUNDLE_OPTIONS = {
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node22",
  sourcemap: "inline",
  logLevel: "warning",
  // Lets bundled CommonJS dependencies call require() for Node built-ins.
  banner: {
    js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
  },
};
