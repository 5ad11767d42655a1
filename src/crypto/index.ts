/**
 * @module The pure crypto core: EOTS, BIP-340, the CometBFT Merkle tree, signing contexts and
 * message layouts, eotsd randomness derivation, byte codecs and typed errors. No I/O; runs in
 * workerd and Node.
 */
export { bip340Sign, bip340Verify, xOnlyPublicKey } from "./bip340.ts";
export {
  base64ToBytes,
  bytesToBase64,
  bytesToHex,
  concatBytes,
  equalBytes,
  hexToBytes,
  toUint64,
  u64ToBigEndian,
  utf8ToBytes,
} from "./bytes.ts";
export { eotsChallenge, eotsExtract, eotsSign, eotsVerify, eotsVerifyPoint } from "./eots.ts";
export {
  CryptoError,
  ExtractionError,
  type ExtractionErrorReason,
  InvalidBase64Error,
  InvalidContextError,
  InvalidHexError,
  type InvalidHexErrorDetail,
  InvalidLengthError,
  InvalidPointError,
  InvalidScalarError,
  InvalidUint64Error,
  MerkleProofError,
  type MerkleProofErrorDetail,
  type MerkleProofErrorReason,
} from "./errors.ts";
export {
  assertMerkleProof,
  buildMerkleTree,
  emptyHash,
  innerHash,
  leafHash,
  MAX_AUNTS,
  type MerkleProof,
  type MerkleTree,
  merkleProofs,
  merkleRoot,
  validateMerkleProofBasic,
  verifyMerkleProof,
} from "./merkle.ts";
export { deriveRandomness, type Randomness } from "./randomness.ts";
export { type SchnorrEngine, schnorrEngine, setSchnorrEngine, withSchnorrEngine } from "./schnorr-engine.ts";
export { nobleSchnorrEngine } from "./schnorr-noble.ts";
export { createWasmSchnorrEngine } from "./schnorr-wasm.ts";
export {
  installWasmSchnorrEngine,
  loadWasmSchnorrEngine,
  useWasmSchnorrEngine,
} from "./schnorr-wasm-load.ts";
export { readTinySecp256k1Wasm } from "./schnorr-wasm-node.ts";
export {
  commitDigest,
  commitMessage,
  type SigningContextKind,
  signingContext,
  voteMessage,
} from "./signing-context.ts";
