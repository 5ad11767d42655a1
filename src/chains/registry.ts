/**
 * @module The consumer-chain registry: parsed once from JSON, validated as a whole, then read-only. Several
 * chains are served side by side; each request names its chain and gets that chain's config or a 404.
 */
import { type ChainConfigIssue, InvalidChainConfigError, UnknownChainError } from "./errors.ts";
import { type ChainConfig, chainListSchema, duplicateIdIssues } from "./schema.ts";

/** The configured chains, by id. Immutable: configs are frozen and `list()` keeps configuration order. */
export class ChainRegistry {
  readonly #byId: ReadonlyMap<string, ChainConfig>;
  readonly #list: readonly ChainConfig[];

  constructor(chains: readonly ChainConfig[]) {
    const byId = new Map<string, ChainConfig>();
    for (const [index, chain] of chains.entries()) {
      if (byId.has(chain.id)) {
        throw new InvalidChainConfigError([{ path: `$[${index}].id`, message: "chain ids must be unique" }]);
      }
      byId.set(chain.id, deepFreeze({ ...chain, quorum: { ...chain.quorum } }));
    }
    this.#byId = byId;
    this.#list = Object.freeze([...byId.values()]);
  }

  /** The chain's config; throws {@link UnknownChainError} (404, naming the known ids) when it is not served. */
  get(id: string): ChainConfig {
    const chain = this.#byId.get(id);
    if (!chain) throw new UnknownChainError(id, this.ids());
    return chain;
  }

  has(id: string): boolean {
    return this.#byId.has(id);
  }

  /** Every configured chain, in configuration order. */
  list(): readonly ChainConfig[] {
    return this.#list;
  }

  /** Every configured chain id, in configuration order. */
  ids(): string[] {
    return this.#list.map((chain) => chain.id);
  }
}

/**
 * Parses and validates the registry JSON (a list of chain configs). Throws {@link InvalidChainConfigError}
 * naming every problem found with its JSON path (`$[0].contractAddress: …`); `source` says where the JSON
 * came from (e.g. "the CHAINS var") for the operator.
 */
export function parseChainRegistry(json: string, source?: string): ChainRegistry {
  const options = source === undefined ? {} : { source };
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch (error) {
    throw new InvalidChainConfigError([{ path: "$", message: "is not valid JSON" }], {
      ...options,
      cause: error,
    });
  }
  const parsed = chainListSchema.safeParse(raw);
  const issues: ChainConfigIssue[] = [
    ...(parsed.success ? [] : parsed.error.issues),
    ...duplicateIdIssues(raw),
  ].map((issue) => ({ path: jsonPath(issue.path), message: issue.message }));
  if (!parsed.success || issues.length > 0) {
    throw new InvalidChainConfigError(issues, options);
  }
  return new ChainRegistry(parsed.data);
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** `["a", 0, "b c"]` → `$.a[0]["b c"]`. */
export function jsonPath(path: readonly PropertyKey[]): string {
  let out = "$";
  for (const segment of path) {
    if (typeof segment === "number") out += `[${segment}]`;
    else if (typeof segment === "string" && IDENTIFIER.test(segment)) out += `.${segment}`;
    else out += `[${JSON.stringify(String(segment))}]`;
  }
  return out;
}

function deepFreeze<T extends object>(value: T): T {
  for (const inner of Object.values(value))
    if (typeof inner === "object" && inner !== null) deepFreeze(inner);
  return Object.freeze(value);
}
