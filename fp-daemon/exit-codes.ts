/** @module Exit codes a process supervisor can act on (systemd: `RestartPreventExitStatus=2 3 4`). */
export const EXIT = {
  ok: 0,
  /** Unexpected failure: restarting may help. */
  failure: 1,
  /** Bad command line, config or keys: fix them first. */
  usage: 2,
  /** The FP is slashed: it must never sign again. */
  slashed: 3,
  /** Another daemon holds this home. */
  locked: 4,
} as const;
