/**
 * @module Submission ids are content addresses: the same message for the same chain always gets the same id,
 * so an FP retrying a request finds its earlier submission instead of creating a second one.
 */
import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex, utf8ToBytes } from "../crypto/index.ts";
import type { SubmissionKind } from "./types.ts";

/** `parts` are the message's identifying fields in a fixed order (hex or decimal strings). */
export function submissionId(chain: string, kind: SubmissionKind, parts: readonly string[]): string {
  const digest = sha256(utf8ToBytes([chain, kind, ...parts].join("\n")));
  return `${kind === "vote" ? "v" : "c"}_${bytesToHex(digest).slice(0, 40)}`;
}
