// Unit tests in Node: pure library code (crypto, provider signer, rules), tests beside their source.
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: [
      "src/**/*.test.ts",
      "sdk/src/**/*.test.ts",
      "devnet/**/*.test.ts",
      "fp-daemon/**/*.test.ts",
      "test/unit/**/*.test.ts",
      "test/devnet/**/*.test.ts",
    ],
    environment: "node",
    testTimeout: 60_000,
    // babylon-proto-ts ships ESM with extensionless relative imports, which Node's resolver refuses:
    // let Vite resolve and transform it instead of importing it natively.
    server: { deps: { inline: [/@babylonlabs-io\/babylon-proto-ts/] } },
  },
});
