/**
 * `npm run bench:load [-- flags]`: a bounded load and hostile-input generator against a RUNNING local stack
 * (`npm start`). Prints a live line every few seconds and a final report; `--json FILE` also writes the report.
 * Exits non-zero only on a usage error: the verdict is in the report.
 */
import { writeFileSync } from "node:fs";
import { formatReport } from "./report.ts";
import { type LoadOptions, resolveLoadOptions, runLoad } from "./run-load.ts";

const HELP = `npm run bench:load -- [flags]   (against a running stack: npm start)
  --url URL          the Worker API (loopback only)          default http://127.0.0.1:8787
  --clients N        concurrent clients                      default 8
  --seconds T        load duration                           default 60
  --chains A,B       chain ids                               default: every chain of GET /v1/chains
  --timeout-ms MS    per request; later = hung               default 10000
  --seed S           PRNG seed of the request mix            default 1
  --json FILE        also write the report as JSON
  --help`;

class UsageError extends Error {}

function parse(argv: readonly string[]): { options: LoadOptions; json?: string } | "help" {
  const options: LoadOptions = { url: "http://127.0.0.1:8787" };
  let json: string | undefined;
  const int = (flag: string, raw: string, min: number) => {
    if (!/^\d+$/.test(raw) || Number(raw) < min)
      throw new UsageError(`${flag} ${raw}: not an integer ≥ ${min}`);
    return Number(raw);
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i] as string;
    if (flag === "--help" || flag === "-h") return "help";
    const value = argv[++i];
    if (value === undefined) throw new UsageError(`${flag}: expected a value (see --help)`);
    if (flag === "--url") options.url = value;
    else if (flag === "--clients") options.clients = int(flag, value, 1);
    else if (flag === "--seconds") options.seconds = int(flag, value, 1);
    else if (flag === "--chains") options.chains = value.split(",").filter(Boolean);
    else if (flag === "--timeout-ms") options.timeoutMs = int(flag, value, 100);
    else if (flag === "--seed") options.seed = int(flag, value, 0);
    else if (flag === "--json") json = value;
    else throw new UsageError(`unknown flag ${flag} (see --help)`);
  }
  try {
    resolveLoadOptions(options);
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  return { options, ...(json ? { json } : {}) };
}

let parsed: ReturnType<typeof parse>;
try {
  parsed = parse(process.argv.slice(2));
} catch (error) {
  if (!(error instanceof UsageError)) throw error;
  console.error(`${error.message}\n\n${HELP}`);
  process.exit(2);
}
if (parsed === "help") {
  console.log(HELP);
} else {
  const report = await runLoad({ ...parsed.options, log: (line) => console.log(line) });
  console.log(`\n${formatReport(report)}`);
  if (parsed.json) writeFileSync(parsed.json, `${JSON.stringify(report, null, 2)}\n`);
}
