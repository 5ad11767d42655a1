// The local stack end to end (test/stack): `npm start`'s supervisor with every component as a real process.
// Its own step in `npm test`, after the others, so its processes do not compete with the unit suites for CPU.
import { defineConfig } from "vitest/config";
import { dependencySourcemapsWithoutSources } from "./vitest.config.ts";

export default defineConfig({
  plugins: [dependencySourcemapsWithoutSources()],
  test: {
    include: ["test/stack/**/*.test.ts"],
    environment: "node",
    testTimeout: 180_000,
    hookTimeout: 180_000,
    server: { deps: { inline: [/@babylonlabs-io\/babylon-proto-ts/] } },
  },
});
