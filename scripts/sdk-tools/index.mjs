// Re-exported from here so that these tools resolve their TypeScript from this folder: 5.9, which has the JS API.
export { astToString, default as openapiTS } from "openapi-typescript";
export { rollup } from "rollup";
export { dts } from "rollup-plugin-dts";
