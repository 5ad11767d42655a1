/**
 * `npm run loadtest -- --rate 20 --duration 60 [--chain ID] [--edge URL] [--rpc URL]`: L2 transfers at a fixed
 * rate against a running stack (`npm start`), each followed until BTC-finalized; a live line every ~2 s and a
 * report at the end. Bounded; loopback only. Exits 1 when any transaction failed.
 */
import { writeFileSync } from "node:fs";
import { numberFlag, parseFlags, runCli, UsageError } from "../shared/flags.ts";
import { MAX_ACCOUNTS } from "./accounts.ts";
import { formatReport } from "./report.ts";
import { type LoadtestOptions, resolveLoadtestOptions, runLoadtest } from "./run-loadtest.ts";

const HELP = `npm run loadtest -- [flags]   (against a running stack: npm start)
  --rate N            transactions per second                  default 20
  --duration S        seconds of sending                       default 60
  --chain ID          the L2                                   default edge-devnet-l2
  --edge URL          the Finality Edge (loopback)             default http://127.0.0.1:8787
  --rpc URL           the chain's L2 JSON-RPC (loopback)       default :8545 / :8546 for the devnet chains
  --accounts N        dev accounts to send from (1–${MAX_ACCOUNTS})          default 8
  --wait-timeout S    per tx, sending to BTC finality          default 120
  --json FILE         also write the report as JSON`;

const FLAGS = {
  rate: "string",
  duration: "string",
  chain: "string",
  edge: "string",
  rpc: "string",
  accounts: "string",
  "wait-timeout": "string",
  json: "string",
} as const;

await runCli(HELP, async () => {
  const flags = parseFlags(process.argv.slice(2), FLAGS);
  if (flags === "help") {
    console.log(HELP);
    return 0;
  }
  const s = (name: string) => flags.strings.get(name);
  const options: LoadtestOptions = {
    rate: numberFlag(flags, "rate", 20, { min: 0.1, max: 1_000, integer: false }),
    durationSec: numberFlag(flags, "duration", 60, { min: 1 }),
    accounts: numberFlag(flags, "accounts", 8, { min: 1, max: MAX_ACCOUNTS }),
    waitTimeoutSec: numberFlag(flags, "wait-timeout", 120, { min: 1 }),
    ...(s("chain") ? { chain: s("chain") } : {}),
    ...(s("edge") ? { edge: s("edge") } : {}),
    ...(s("rpc") ? { rpc: s("rpc") } : {}),
  };
  try {
    resolveLoadtestOptions(options);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const report = await runLoadtest({ ...options, log: (line) => console.log(line) });
  console.log(`\n${formatReport(report)}`);
  const json = s("json");
  if (json) writeFileSync(json, `${JSON.stringify(report, null, 2)}\n`);
  return report.failed > 0 ? 1 : 0;
});
