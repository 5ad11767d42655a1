export {
  type FinalizedAnswer,
  getFinalizedAnswer,
  getFinalizedAnswerFromMemory,
  putFinalizedAnswer,
} from "./answers.ts";
export { InvalidCacheValueError, NotFinalizedDecisionError } from "./errors.ts";
export {
  type AnswerId,
  answerKey,
  btcHeaderKey,
  CHAIN_ID_PATTERN,
  CHAINS_CONFIG_KEY,
  clampTtl,
  contractConfigKey,
  DEFAULT_TTL_SECONDS,
  finalizedDecisionKey,
  InvalidCacheKeyError,
  InvalidCacheTtlError,
  KV_MIN_TTL_SECONDS,
  normalizeBlockHash,
  powerTableKey,
  powerTablePrefix,
  tipKey,
} from "./keys.ts";
export {
  type AdvanceTipResult,
  advanceTip,
  deletePowerTables,
  getBtcHeader,
  getContractConfig,
  getFinalizedDecision,
  getPowerTable,
  getTip,
  putBtcHeader,
  putContractConfig,
  putFinalizedDecision,
  putPowerTable,
} from "./kv.ts";
export {
  type BtcHeader,
  type ContractConfig,
  type DecisionLike,
  decodeJson,
  encodeJson,
  type FinalizedTip,
  type PowerTable,
  type PowerTableEntry,
} from "./records.ts";
