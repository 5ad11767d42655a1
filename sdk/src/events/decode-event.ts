/**
 * @module One SSE message of the edge's stream to its typed event, checked field by field (the route is not in
 * the generated OpenAPI types). Unknown event types are skipped, so the edge can add kinds without breaking
 * clients; a known type with a malformed body is an `InvalidResponseError`.
 */
import { InvalidResponseError } from "../errors/index.ts";
import type { L2Block } from "../types.ts";
import type { EdgeEvent } from "./edge-events.ts";
import type { SseMessage } from "./sse-parser.ts";

type Fields = Record<string, unknown>;

const isHeight = (v: unknown): v is number => typeof v === "number" && Number.isSafeInteger(v) && v >= 0;
const isObject = (v: unknown): v is Fields => typeof v === "object" && v !== null && !Array.isArray(v);
const isBlock = (v: unknown): v is L2Block =>
  isObject(v) && isHeight(v.number) && typeof v.hash === "string" && typeof v.timestamp === "number";
const isNullableHeight = (v: unknown) => v === null || isHeight(v);

/** The typed event, `undefined` for a type this SDK does not know, or the error for a malformed one. */
export function decodeEvent(message: SseMessage): EdgeEvent | InvalidResponseError | undefined {
  const { type, lastEventId: id } = message;
  if (type !== "finalized" && type !== "equivocation" && type !== "slashed" && type !== "resync")
    return undefined;
  let data: unknown;
  try {
    data = JSON.parse(message.data);
  } catch {
    return malformed(message, "its data is not JSON");
  }
  switch (type) {
    case "finalized":
      if (!isBlock(data)) return malformed(message, "expected {number, hash, timestamp}");
      return {
        type,
        id: id || String(data.number),
        data: { number: data.number, hash: data.hash, timestamp: data.timestamp },
      };
    case "equivocation": {
      const d = data as Fields;
      if (
        !isObject(d) ||
        typeof d.fpBtcPkHex !== "string" ||
        !isHeight(d.height) ||
        (d.source !== "edge" && d.source !== "babylon") ||
        (d.submissionId !== undefined && typeof d.submissionId !== "string")
      )
        return malformed(message, "expected {fpBtcPkHex, height, source, submissionId?}");
      return {
        type,
        id,
        data: {
          fpBtcPkHex: d.fpBtcPkHex,
          height: d.height,
          source: d.source,
          ...(d.submissionId !== undefined ? { submissionId: d.submissionId } : {}),
        },
      };
    }
    case "slashed": {
      const d = data as Fields;
      if (
        !isObject(d) ||
        typeof d.fpBtcPkHex !== "string" ||
        !isNullableHeight(d.babylonHeight) ||
        !isNullableHeight(d.btcHeight)
      )
        return malformed(message, "expected {fpBtcPkHex, babylonHeight, btcHeight}");
      return {
        type,
        id,
        data: {
          fpBtcPkHex: d.fpBtcPkHex,
          babylonHeight: d.babylonHeight as number | null,
          btcHeight: d.btcHeight as number | null,
        },
      };
    }
    case "resync": {
      const d = data as Fields;
      if (!isObject(d) || !isHeight(d.oldest) || !(d.tip === null || isBlock(d.tip)))
        return malformed(message, "expected {oldest, tip}");
      const tip =
        d.tip === null ? null : { number: d.tip.number, hash: d.tip.hash, timestamp: d.tip.timestamp };
      return { type, data: { oldest: d.oldest, tip } };
    }
  }
}

function malformed(message: SseMessage, why: string): InvalidResponseError {
  const id = message.lastEventId ? ` (id ${message.lastEventId})` : "";
  return new InvalidResponseError(`a malformed ${message.type} event${id} on the event stream: ${why}`);
}
