// Tests inside workerd through the Cloudflare vitest plugin, with the Worker's real bindings (local KV, Queues).
import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

export default defineConfig({
  plugins: [
    cloudflareTest({
      wrangler: { configPath: "./wrangler.toml" },
      remoteBindings: false,
    }),
  ],
  test: {
    include: ["test/workers/**/*.test.ts"],
    globalSetup: ["./test/workers/global-setup.ts"],
    testTimeout: 60_000,
    deps: {
      optimizer: {
        ssr: {
          enabled: true,
          include: [
            "@cosmjs/cosmwasm-stargate",
            "@cosmjs/stargate",
            "@cosmjs/proto-signing",
            "@cosmjs/tendermint-rpc",
            "@cosmjs/encoding",
            "viem",
          ],
          rolldownOptions: { external: [/^node:/] },
        },
      },
    },
  },
});
