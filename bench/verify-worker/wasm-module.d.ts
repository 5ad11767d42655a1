// wrangler bundles a .wasm import as a compiled WebAssembly.Module. worker-configuration.d.ts says so for the
// Worker's own typecheck; bench/ is checked with the Node config, so the benchmark Worker declares it here.
declare module "*.wasm" {
  const module: WebAssembly.Module;
  export default module;
}
