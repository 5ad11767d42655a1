export { type ChainConfigIssue, InvalidChainConfigError, UnknownChainError } from "./errors.ts";
export { CHAINS_KV_CACHE_TTL_SECONDS, type ChainRegistryEnv, loadChainRegistry } from "./load.ts";
export { ChainRegistry, jsonPath, parseChainRegistry } from "./registry.ts";
export {
  type BtcHeaderSource,
  type ChainConfig,
  type ChainConfigInput,
  chainConfigSchema,
  chainListSchema,
  DEFAULT_QUORUM,
  DEFAULT_TIMEOUT_MS,
  MAX_TIMEOUT_MS,
  type Quorum,
} from "./schema.ts";
