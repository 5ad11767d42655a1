/** @module The equivocation evidence the edge keeps (in the chain's coordinator): what slashes the FP. */
import type { EquivocationProof } from "./types.ts";

/** The proof (both votes, the randomness, whether the extracted key is the FP's) and where it came from. */
export type EquivocationEvidence = EquivocationProof & {
  fpBtcPkHex: string;
  height: string;
  submissionId: string;
  recordedAt: number;
};
