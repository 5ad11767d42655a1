/**
 * @module Where an event sits in the edge's log, read off its SSE id: `N` for height N's `finalized` event,
 * `T:s` for the event with sequence number `s` logged while the finalized tip was `T` (after `finalized T`, before
 * `finalized T+1`). Positions order a replay against what a subscriber has already seen, and the least of them
 * is where a (re)connection resumes.
 */

export type StreamPosition = {
  readonly height: number;
  /** -1 for the `finalized` event of `height` itself, else the event's sequence number. */
  readonly seq: number;
  /** The id as the edge sent it; absent for a point a caller asked for (`fromHeight`) rather than received. */
  readonly id?: string | undefined;
};

const FINALIZED_ID = /^(\d{1,16})$/;
const OTHER_ID = /^(\d{1,16}):(\d{1,16})$/;

/** Right after height `height`'s `finalized` event (a resume point of `?from=<height>`). */
export const afterFinalized = (height: number, id?: string): StreamPosition => ({ height, seq: -1, id });

/** The position an SSE id names, or undefined for an id of neither form. */
export function positionOfId(id: string): StreamPosition | undefined {
  const finalized = FINALIZED_ID.exec(id);
  if (finalized) return afterFinalized(Number(finalized[1]), id);
  const other = OTHER_ID.exec(id);
  if (!other) return undefined;
  return { height: Number(other[1]), seq: Number(other[2]), id };
}

export function comparePositions(a: StreamPosition, b: StreamPosition): number {
  return a.height - b.height || a.seq - b.seq;
}

/** The lesser of two positions, `undefined` meaning "none". */
export function minPosition(
  a: StreamPosition | undefined,
  b: StreamPosition | undefined,
): StreamPosition | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return comparePositions(b, a) < 0 ? b : a;
}
