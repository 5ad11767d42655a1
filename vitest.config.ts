// Unit tests in Node: pure library code (crypto, provider signer, rules), tests beside their source.
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: [
      "src/**/*.test.ts",
      "devnet/**/*.test.ts",
      "test/unit/**/*.test.ts",
      "test/devnet/**/*.test.ts",
    ],
    environment: "node",
    testTimeout: 60_000,
  },
});
