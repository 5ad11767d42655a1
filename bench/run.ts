// `npm run bench`: runs the crypto benchmark and prints one line per measurement.
import { runCryptoBench, WASM_BASELINE, WASM_ROWS } from "./crypto.ts";

const results = await runCryptoBench();
const rows = results.map((r) => [
  r.name,
  String(r.ops),
  r.ms.toFixed(1),
  Math.round(r.opsPerSec).toLocaleString("en-US"),
]);
const header = ["operation", "ops", "ms", "ops/s"];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] as string).length)));
const line = (cells: string[]) =>
  cells
    .map((cell, i) => (i === 0 ? cell.padEnd(widths[i] as number) : cell.padStart(widths[i] as number)))
    .join("  ");
console.log(`crypto core on Node ${process.version}`);
console.log(line(header));
console.log(widths.map((w) => "-".repeat(w)).join("  "));
for (const row of rows) console.log(line(row));

// Ratios from this one run: absolute figures move with the machine, ratios much less.
const rate = (name: string) => results.find((r) => r.name === name)?.opsPerSec ?? Number.NaN;
const ratio = (a: string, b: string) => `${a} / ${b} = ${(rate(a) / rate(b)).toFixed(2)}×`;
console.log("");
console.log(ratio("verifyMerkleProof", "eotsVerify [noble engine]"));
console.log(ratio("eotsVerify [noble engine]", "bip340Verify"));
for (const row of WASM_ROWS) console.log(ratio(row, WASM_BASELINE));
