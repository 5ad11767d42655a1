/**
 * @module An FP home: one directory per finality provider, holding its config, its encrypted keys, its state
 * database and a lock that keeps a second daemon off the same home.
 */
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from "node:fs";
import { join, resolve } from "node:path";
import { BaseError } from "../src/errors/base.ts";

export type Home = {
  dir: string;
  configPath: string;
  keysDir: string;
  statePath: string;
  lockPath: string;
};

export function resolveHome(dir: string): Home {
  const abs = resolve(dir);
  return {
    dir: abs,
    configPath: join(abs, "config.toml"),
    keysDir: join(abs, "keys"),
    statePath: join(abs, "state.sqlite"),
    lockPath: join(abs, "daemon.lock"),
  };
}

export class HomeLockedError extends BaseError {
  override name = "HomeLockedError";
  constructor(lockPath: string, pid: number) {
    super("home_locked", `Another daemon (pid ${pid}) is running on this home`, {
      field: "home",
      details: `${lockPath} is held by a live process; stop it first (two signers on one key must never run)`,
    });
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Takes the home's lock (a file holding our pid, created exclusively); a stale lock of a dead pid is replaced. */
export function lockHome(home: Home): () => void {
  mkdirSync(home.dir, { recursive: true, mode: 0o700 });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(home.lockPath, "wx", 0o600);
      writeSync(fd, `${process.pid}\n`);
      closeSync(fd);
      return () => rmSync(home.lockPath, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const pid = Number.parseInt(readFileSync(home.lockPath, "utf8"), 10);
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && isAlive(pid)) {
        throw new HomeLockedError(home.lockPath, pid);
      }
      rmSync(home.lockPath, { force: true });
    }
  }
  throw new Error(`could not take ${home.lockPath}`);
}
