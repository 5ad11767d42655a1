// The vote history's schema (migrations/, as npm start applies it) in the local D1, for the files that use it.
// Not a setup file: importing the test bindings there would load the Worker entry before crypto-vectors.test.ts
// checks what loading it installs.
import { applyD1Migrations, type D1Migration } from "cloudflare:test";
import { env } from "cloudflare:workers";

export async function applyHistoryMigrations(): Promise<void> {
  const migrations = (env as unknown as { HISTORY_MIGRATIONS: D1Migration[] }).HISTORY_MIGRATIONS;
  await applyD1Migrations(env.HISTORY_DB, migrations);
}
