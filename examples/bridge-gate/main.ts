/**
 * The bridge gate's CLI: `npx node scripts/run-ts.mjs examples/bridge-gate/main.ts --withdrawal w1:0x… [flags]`.
 * One pass (`--once`, the default) or passes until every withdrawal is released or refused (`--watch`).
 */
import { readFileSync } from "node:fs";
import { createFinalityClient, type Hash } from "../../sdk/src/index.ts";
import { numberFlag, parseFlags, runCli, UsageError } from "../shared/flags.ts";
import { createBridgeGate, type GateOutcome, type Withdrawal } from "./gate.ts";
import { openGateStore } from "./store.ts";
import { ConfigMismatchError, createAnswerVerifier } from "./verify-answer.ts";

const HELP = `npx node scripts/run-ts.mjs examples/bridge-gate/main.ts [flags]
  --edge URL              the Finality Edge                         default http://127.0.0.1:8787
  --chain ID              the L2 the withdrawals were made on       default edge-devnet-l2
  --db FILE               the gate's SQLite state and ledger         default .devnet/bridge.sqlite
  --withdrawal ID:0xTX    a withdrawal and its L2 tx (repeatable)
  --withdrawals FILE      a JSON array of {"id": "...", "txHash": "0x..."}
  --once | --watch        one pass (default), or passes until each is released or refused
  --poll-s S              between passes with --watch                default 2
  --timeout-s S           --watch gives up after S seconds           default: never
  --unknown-grace-s S     an unknown tx is refused after S seconds   default 600
  --babylon-rpc URL       also verify against this Babylon RPC (verifyWithBabylon)
  --l2-rpc URL            also check the receipt and the block on this L2 node
  --babylon-chain-id ID, --contract BECH32, --bsn-id ID
                          pins: refuse to start when the edge lists other values`;

const FLAGS = {
  edge: "string",
  chain: "string",
  db: "string",
  withdrawal: "list",
  withdrawals: "string",
  once: "boolean",
  watch: "boolean",
  "poll-s": "string",
  "timeout-s": "string",
  "unknown-grace-s": "string",
  "babylon-rpc": "string",
  "l2-rpc": "string",
  "babylon-chain-id": "string",
  contract: "string",
  "bsn-id": "string",
} as const;

// node:sqlite warns that it is experimental on first load; this CLI's users cannot act on that.
process.removeAllListeners("warning");
process.on("warning", (warning) => {
  if (warning.name !== "ExperimentalWarning") console.warn(`${warning.name}: ${warning.message}`);
});

function withdrawalsOf(flags: Exclude<ReturnType<typeof parseFlags>, "help">): Withdrawal[] {
  const list: Withdrawal[] = [];
  for (const raw of flags.lists.get("withdrawal") ?? []) {
    const at = raw.lastIndexOf(":");
    list.push(checked({ id: raw.slice(0, at), txHash: raw.slice(at + 1) }, `--withdrawal ${raw}`));
  }
  const file = flags.strings.get("withdrawals");
  if (file) {
    const parsed: unknown = JSON.parse(readFileSync(file, "utf8"));
    if (!Array.isArray(parsed)) throw new UsageError(`--withdrawals ${file}: expected a JSON array`);
    parsed.forEach((w, i) => {
      list.push(checked(w as Partial<Withdrawal>, `${file}[${i}]`));
    });
  }
  if (list.length === 0) throw new UsageError("no withdrawal given (--withdrawal or --withdrawals)");
  return list;
}

function checked(w: { id?: unknown; txHash?: unknown }, where: string): Withdrawal {
  if (typeof w.id !== "string" || w.id === "") throw new UsageError(`${where}: no withdrawal id`);
  if (typeof w.txHash !== "string" || !/^0x[0-9a-fA-F]{64}$/.test(w.txHash)) {
    throw new UsageError(`${where}: the tx hash must be 0x and 64 hex digits`);
  }
  return { id: w.id, txHash: w.txHash as Hash };
}

function line(o: GateOutcome): string {
  const time = new Date().toISOString().slice(11, 19);
  const head = `${time}  ${o.id}  ${o.txHash.slice(0, 12)}…`;
  if (o.state === "released") {
    const r = o.release;
    return (
      `${head}  RELEASED${o.newly ? "" : " (before)"}  block ${r.blockNumber} ${r.blockHash.slice(0, 12)}…  ` +
      `verified (${r.verification}), power ${r.votedPower}/${r.totalPower}`
    );
  }
  if (o.state === "conflict") return `${head}  CONFLICT  ${o.detail}`;
  return `${head}  ${o.state} ${o.reason}${o.detail ? `: ${o.detail}` : ""}`;
}

await runCli(HELP, async () => {
  const flags = parseFlags(process.argv.slice(2), FLAGS);
  if (flags === "help") {
    console.log(HELP);
    return 0;
  }
  if (flags.booleans.has("once") && flags.booleans.has("watch")) throw new UsageError("--once or --watch");
  const withdrawals = withdrawalsOf(flags);
  const s = (name: string) => flags.strings.get(name);
  const store = await openGateStore(s("db") ?? ".devnet/bridge.sqlite");
  const gate = createBridgeGate({
    client: createFinalityClient({
      url: s("edge") ?? "http://127.0.0.1:8787",
      chain: s("chain") ?? "edge-devnet-l2",
    }),
    store,
    verify: createAnswerVerifier({ babylonRpcUrl: s("babylon-rpc"), l2RpcUrl: s("l2-rpc") }),
    pins: {
      ...(s("babylon-chain-id") ? { babylonChainId: s("babylon-chain-id") } : {}),
      ...(s("contract") ? { contractAddress: s("contract") } : {}),
      ...(s("bsn-id") ? { bsnId: s("bsn-id") } : {}),
    },
    unknownTxGraceMs: numberFlag(flags, "unknown-grace-s", 600) * 1000,
  });
  const controller = new AbortController();
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => controller.abort());
  const timeoutS = numberFlag(flags, "timeout-s", 0, { min: 1 });
  if (timeoutS > 0) setTimeout(() => controller.abort(), timeoutS * 1000).unref();
  try {
    const outcomes = flags.booleans.has("watch")
      ? await gate.settle(withdrawals, {
          pollMs: numberFlag(flags, "poll-s", 2, { min: 0.1, integer: false }) * 1000,
          signal: controller.signal,
          onOutcome: (o) => console.log(line(o)),
        })
      : await gate.processAll(withdrawals, { signal: controller.signal });
    if (!flags.booleans.has("watch")) for (const o of outcomes) console.log(line(o));
    const count = (state: GateOutcome["state"]) => outcomes.filter((o) => o.state === state).length;
    console.log(
      `released ${count("released")}, waiting ${count("waiting")}, refused ${count("refused")}, conflicts ${count("conflict")}` +
        ` (ledger: ${store.releases().length} releases in all)`,
    );
    return count("conflict") > 0 ? 1 : 0;
  } catch (error) {
    if (!(error instanceof ConfigMismatchError)) throw error;
    console.error(`refusing to gate on ${s("edge") ?? "the edge"}: ${error.message}`);
    return 1;
  } finally {
    store.close();
  }
});
