#!/usr/bin/env node
// `npm test`: every gate the project has, in order, then one plain summary line CI can read.
// Steps keep running after a failure so one run reports everything that is wrong.
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";

const reportDir = join(".tmp", "test-reports");
rmSync(reportDir, { recursive: true, force: true });
mkdirSync(reportDir, { recursive: true });

const quietEnv = { ...process.env, WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false" };

/** A gate either passes or fails as a whole; a suite reports its own test counts. */
const steps = [
  { name: "codegen drift", cmd: ["node", "scripts/codegen.mjs", "--check"] },
  { name: "proto drift", cmd: ["node", "scripts/proto-gen.mjs", "--check"] },
  { name: "worker types", cmd: ["npx", "wrangler", "types", "--check", "--strict-vars=false"] },
  { name: "typecheck src", cmd: ["npx", "tsc", "-p", "tsconfig.json"] },
  { name: "typecheck node", cmd: ["npx", "tsc", "-p", "tsconfig.node.json"] },
  { name: "typecheck tests", cmd: ["npx", "tsc", "-p", "test/tsconfig.json"] },
  // The dApp's browser module: DOM types, no Node ones (its Node side is in tsconfig.node.json).
  { name: "typecheck dapp", cmd: ["npx", "tsc", "-p", "examples/dapp/tsconfig.json"] },
  { name: "typecheck dashboard", cmd: ["npx", "tsc", "-p", "dashboard/tsconfig.json"] },
  { name: "dashboard build", cmd: ["node", "scripts/dashboard-build.mjs"] },
  { name: "lint", cmd: ["npx", "biome", "check", "."] },
  { name: "bundle (dry-run)", cmd: ["node", "scripts/bundle-check.mjs"] },
  { name: "sdk types drift", cmd: ["node", "scripts/sdk-types.mjs", "--check"] },
  { name: "sdk build", cmd: ["node", "scripts/sdk-build.mjs"] },
  { name: "unit tests (node)", suite: "unit", cmd: vitest("vitest.config.ts", "unit") },
  { name: "worker tests (workerd)", suite: "workers", cmd: vitest("vitest.workers.config.ts", "workers") },
  { name: "stack e2e (npm start)", suite: "stack", cmd: vitest("vitest.stack.config.ts", "stack") },
];

function vitest(config, report) {
  return [
    "npx",
    "vitest",
    "run",
    "--config",
    config,
    "--reporter=default",
    "--reporter=json",
    `--outputFile.json=${join(reportDir, `${report}.json`)}`,
  ];
}

const totals = { passed: 0, failed: 0, skipped: 0 };
const rows = [];
const failures = [];
for (const step of steps) {
  const started = Date.now();
  console.log(`\n▶ ${step.name}: ${step.cmd.join(" ")}`);
  const [command, ...args] = step.cmd;
  const run = spawnSync(command, args, { stdio: "inherit", env: quietEnv });
  const ok = run.status === 0;
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  let counts = "";
  if (step.suite) {
    const summary = readSuiteReport(step.suite);
    if (summary) {
      totals.passed += summary.passed;
      totals.failed += summary.failed;
      totals.skipped += summary.skipped;
      counts = `${summary.passed} passed, ${summary.failed} failed, ${summary.skipped} skipped`;
      failures.push(...summary.failures);
      // A suite that crashed before reporting failures still fails the run.
      if (!ok && summary.failed === 0) totals.failed += 1;
    } else {
      totals.failed += 1;
      counts = "no report (suite crashed)";
    }
  } else if (!ok) {
    totals.failed += 1;
  }
  rows.push({ step: step.name, result: ok ? "ok" : "FAILED", seconds, counts });
}

/** Colour codes vitest leaves in failure messages. */
const ANSI_ESCAPES = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, "g");

/** "file › test: first line of the message" for each failed test, so the summary CI shows names the cause. */
function failedTests(report) {
  const failures = [];
  for (const file of report.testResults ?? []) {
    const name = String(file.name ?? "").replace(`${process.cwd()}/`, "");
    for (const test of file.assertionResults ?? []) {
      if (test.status !== "failed") continue;
      const message =
        String(test.failureMessages?.[0] ?? "")
          .replace(ANSI_ESCAPES, "")
          .split("\n")
          .find((line) => line.trim()) ?? "";
      failures.push(`${name} › ${test.title}: ${message.trim().slice(0, 300)}`);
    }
    if ((file.assertionResults ?? []).length === 0 && file.status === "failed") {
      failures.push(
        `${name}: ${String(file.message ?? "failed to run")
          .split("\n")[0]
          .slice(0, 300)}`,
      );
    }
  }
  return failures;
}

function readSuiteReport(suite) {
  try {
    const report = JSON.parse(readFileSync(join(reportDir, `${suite}.json`), "utf8"));
    return {
      passed: report.numPassedTests ?? 0,
      failed: report.numFailedTests ?? 0,
      skipped: (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0),
      failures: failedTests(report),
    };
  } catch {
    return undefined;
  }
}

console.log("\nSummary");
for (const row of rows) {
  console.log(`  ${row.result.padEnd(6)} ${row.step.padEnd(24)} ${row.seconds.padStart(6)} s  ${row.counts}`);
}
if (failures.length > 0) {
  console.log("\nFailed tests");
  for (const failure of failures) console.log(`  ✗ ${failure}`);
}
console.log(`${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(rows.every((row) => row.result === "ok") && totals.failed === 0 ? 0 : 1);
