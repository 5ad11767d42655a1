/**
 * @module The slice of the WebAssembly JavaScript API the wasm engine uses, typed here because the type
 * worlds this code compiles in disagree: @types/node declares no `WebAssembly` value, `Memory` or
 * `Global`, and the Workers types have no `compile` (workerd generates no code at run time, so a Worker
 * gets its modules compiled by the bundler). `WebAssembly.Module` itself is known to both.
 */

export type WasmMemory = { readonly buffer: ArrayBuffer };
export type WasmGlobal = { readonly value: unknown };

export type WasmApi = {
  readonly Module: abstract new (...args: never[]) => WebAssembly.Module;
  readonly Instance: new (module: WebAssembly.Module, imports: object) => { readonly exports: object };
  readonly compile?: (bytes: Uint8Array | ArrayBuffer) => Promise<WebAssembly.Module>;
};

/** The runtime's `WebAssembly`, or `undefined` where there is none. */
export function wasmApi(): WasmApi | undefined {
  const api = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
  return typeof api === "object" ? api : undefined;
}
