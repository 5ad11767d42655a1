/**
 * Test support (Linux): every process a test started, found through /proc by pid — descendants by parent pid,
 * members of their process groups and sessions (so a detached child that was re-parented to 1 is still found),
 * and any process carrying the test's own environment marker. Sampled on an interval while the test runs, so a
 * process that is orphaned between two samples is still known; stopped only by its own pid / group.
 */
import { readdirSync, readFileSync } from "node:fs";
import { createServer } from "node:net";

export type Proc = {
  pid: number;
  ppid: number;
  pgid: number;
  sid: number;
  state: string;
  /** Start time in clock ticks since boot: with the pid, the process's identity (pids are reused). */
  start: number;
  cmd: string;
};

export const haveProc = process.platform === "linux";

function readProc(pid: number): Proc | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    let cmd = "";
    try {
      cmd = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").join(" ").trim();
    } catch {
      // Gone meanwhile.
    }
    return {
      pid,
      state: fields[0] as string,
      ppid: Number(fields[1]),
      pgid: Number(fields[2]),
      sid: Number(fields[3]),
      start: Number(fields[19]),
      cmd,
    };
  } catch {
    return undefined;
  }
}

export function listProcesses(): Proc[] {
  const procs: Proc[] = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    const proc = readProc(Number(name));
    if (proc) procs.push(proc);
  }
  return procs;
}

function hasMarker(pid: number, marker: string): boolean {
  try {
    return readFileSync(`/proc/${pid}/environ`, "utf8").split("\0").includes(marker);
  } catch {
    return false;
  }
}

const key = (p: Proc) => `${p.pid}:${p.start}`;

/** The processes of one tree rooted at `rootPid` (and everything carrying `marker`, `NAME=value`, in its env). */
export class ProcessWatch {
  readonly known = new Map<string, Proc>();
  /** Processes whose environment was read and does not carry the marker (read once each). */
  private readonly unmarked = new Set<string>();
  private timer: ReturnType<typeof setInterval> | undefined;
  private readonly rootStart: number;
  private readonly ownGroup: number;
  private readonly ownSession: number;

  constructor(
    readonly rootPid: number,
    readonly marker?: string,
  ) {
    const root = readProc(rootPid);
    this.rootStart = root?.start ?? 0;
    if (root) this.known.set(key(root), root);
    const self = readProc(process.pid);
    this.ownGroup = self?.pgid ?? -1;
    this.ownSession = self?.sid ?? -1;
  }

  /** Adds every process that now belongs to the tree. */
  sample(): void {
    const procs = listProcesses();
    const live = new Set(procs.map(key));
    for (;;) {
      const pids = new Set<number>();
      const groups = new Set<number>();
      const sessions = new Set<number>();
      for (const p of this.known.values()) {
        if (!live.has(key(p))) continue;
        pids.add(p.pid);
        if (p.pgid !== this.ownGroup) groups.add(p.pgid);
        if (p.sid !== this.ownSession) sessions.add(p.sid);
      }
      let added = false;
      for (const p of procs) {
        if (this.known.has(key(p)) || p.pid === process.pid || p.start < this.rootStart) continue;
        const belongs = pids.has(p.ppid) || groups.has(p.pgid) || sessions.has(p.sid) || this.marked(p);
        if (belongs) {
          this.known.set(key(p), p);
          added = true;
        }
      }
      if (!added) return;
    }
  }

  private marked(p: Proc): boolean {
    if (this.marker === undefined || this.unmarked.has(key(p))) return false;
    if (hasMarker(p.pid, this.marker)) return true;
    this.unmarked.add(key(p));
    return false;
  }

  /** Samples every `ms` until stopWatching(). */
  watch(ms = 50): this {
    this.sample();
    this.timer = setInterval(() => this.sample(), ms);
    return this;
  }

  stopWatching(): void {
    clearInterval(this.timer);
  }

  /** Known processes that still run (the same pid and start time, not a zombie). */
  living(): Proc[] {
    const out: Proc[] = [];
    for (const p of this.known.values()) {
      const now = readProc(p.pid);
      if (now && now.start === p.start && now.state !== "Z") out.push({ ...now });
    }
    return out;
  }

  /** Samples until nothing known is running, or `timeoutMs` passes; returns what still runs. */
  async untilGone(timeoutMs: number): Promise<Proc[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      this.sample();
      const living = this.living();
      if (living.length === 0 || Date.now() > deadline) return living;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /** SIGKILLs every known process that still runs, and its group when a process of the tree leads it. */
  killAll(): void {
    this.sample();
    const living = this.living();
    const leaders = new Set([...this.known.values()].map((p) => p.pid));
    for (const p of living) {
      if (p.pgid !== this.ownGroup && leaders.has(p.pgid)) {
        try {
          process.kill(-p.pgid, "SIGKILL");
        } catch {
          // Gone.
        }
      }
      try {
        process.kill(p.pid, "SIGKILL");
      } catch {
        // Gone.
      }
    }
  }
}

export const describeProc = (procs: Proc[]) =>
  procs.map((p) => `  ${p.pid} ppid=${p.ppid} pgid=${p.pgid} sid=${p.sid} ${p.cmd.slice(0, 160)}`).join("\n");

/** Whether 127.0.0.1:`port` can be listened on now. */
export function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen({ port, host: "127.0.0.1", exclusive: true }, () => server.close(() => resolve(true)));
  });
}
