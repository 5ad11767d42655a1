/**
 * @module A client that disconnects mid-request: writes a raw HTTP/1.1 request (all of it, or up to the middle of
 * its body) on a plain TCP socket, then resets or closes the connection 2–40 ms later. These have no status;
 * what matters is that the edge and everything waiting on the same work survive them.
 */
import { connect, type Socket } from "node:net";
import type { DisconnectSpec } from "./hostile-requests.ts";

export type DisconnectOutcome =
  /** `answeredFirst`: the server had already sent bytes back before the client went away. */
  { kind: "disconnected"; answeredFirst: boolean } | { kind: "error"; code: string };

/** `open` holds every live socket so the caller can destroy them all at its deadline. */
export function sendAndDisconnect(
  host: string,
  port: number,
  spec: DisconnectSpec,
  open: Set<Socket>,
): Promise<DisconnectOutcome> {
  return new Promise((resolve) => {
    let answeredFirst = false;
    let settled = false;
    const socket = connect({ host, port });
    open.add(socket);
    const done = (outcome: DisconnectOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(guard);
      open.delete(socket);
      resolve(outcome);
    };
    // Connecting to loopback takes microseconds; this only bounds a server that never accepts.
    const guard = setTimeout(() => {
      socket.destroy();
      done({ kind: "error", code: "connect_timeout" });
    }, 5_000);
    socket.on("data", () => {
      answeredFirst = true;
    });
    socket.on("error", (error: NodeJS.ErrnoException) =>
      done({ kind: "error", code: error.code ?? error.name }),
    );
    socket.on("connect", () => {
      socket.write(spec.raw.subarray(0, spec.sendBytes), () => {
        setTimeout(() => {
          if (spec.mode === "reset") socket.resetAndDestroy();
          else socket.destroy();
          done({ kind: "disconnected", answeredFirst });
        }, spec.closeAfterMs);
      });
    });
  });
}
