// Tests inside workerd through the Cloudflare vitest plugin, with the Worker's real bindings (local KV, Queues).
import { readFileSync } from "node:fs";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";
import { dependencySourcemapsWithoutSources } from "./vitest.config.ts";

// The relayer secret for the queue consumer: the devnet genesis's public `relayer` account (test material).
const genesis = JSON.parse(readFileSync("devnet/babylon/genesis.default.json", "utf8")) as {
  accounts: { name: string; mnemonic: string }[];
};
const RELAYER_MNEMONIC = genesis.accounts.find((a) => a.name === "relayer")?.mnemonic ?? "";

// The vote history's schema, applied by the files that use it (test/workers/support/history-db.ts).
const HISTORY_MIGRATIONS = await readD1Migrations("migrations");

export default defineConfig({
  plugins: [
    cloudflareTest({
      wrangler: { configPath: "./wrangler.toml" },
      remoteBindings: false,
      miniflare: {
        bindings: {
          RELAYER_MNEMONIC,
          // Webhooks: an admin token, the loopback receiver of global-setup.ts, fast retries, an early disable.
          ADMIN_TOKEN: "test-admin-token",
          WEBHOOK_ALLOW_LOOPBACK: "true",
          WEBHOOK_RETRY_BASE_MS: "100",
          WEBHOOK_DISABLE_AFTER: "3",
          HISTORY_MIGRATIONS,
        },
      },
    }),
    dependencySourcemapsWithoutSources(),
  ],
  test: {
    include: ["test/workers/**/*.test.ts"],
    globalSetup: ["./test/workers/global-setup.ts"],
    testTimeout: 60_000,
    // Files share one KV namespace and queue; the submission suite configures chains in KV for the consumer.
    fileParallelism: false,
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
