/**
 * @module The relayer: gets verified contract messages on-chain in few Babylon txs (simulated first, so a
 * doomed batch costs nothing), and `submitWithBisection` to land every good message of a batch that holds bad ones.
 */
export { type ContractErrorCode, classifyContractError } from "./classify-contract-error.ts";
export {
  EmptyBatchError,
  RelayerAccountNotFoundError,
  RelayerConfigError,
  type RelayerOperation,
  RelayerUnavailableError,
} from "./errors.ts";
export { type ParsedFailure, parseSimulationFailure, parseTxFailure } from "./parse-tx-failure.ts";
export { createRelayer } from "./relayer.ts";
export { RELAYER_DEFAULTS } from "./resolve-options.ts";
export { submitWithBisection } from "./submit-with-bisection.ts";
export { createTxSigner, type TxSigner } from "./tx-signer.ts";
export type {
  BatchOutcome,
  ChainError,
  Instruction,
  ItemOutcome,
  RejectionStage,
  Relayer,
  RelayerOptions,
} from "./types.ts";
