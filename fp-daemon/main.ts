/**
 * @module The `finality-edge-fp` program (thin entry over fp-daemon/cli.ts): signals become the CLI's stop
 * promise from the first line, so SIGTERM during start-up is honoured too; a second signal forces the exit.
 */
import { runCli } from "./cli.ts";

let signalled = false;
const stopSignal = new Promise<string>((resolve) => {
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    process.on(signal, () => {
      if (signalled) process.exit(130);
      signalled = true;
      resolve(signal);
    });
  }
});

const code = await runCli(process.argv.slice(2), {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  env: process.env,
  stopSignal,
  stdin: process.stdin,
});
process.exit(code);
