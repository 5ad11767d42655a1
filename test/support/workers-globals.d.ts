// The Node typecheck (tsconfig.node.json) has no workerd types, yet Node-run tests import src/ modules that name
// Workers bindings. These are the few shapes those modules use (a structural subset of workerd's types).
declare global {
  interface KVNamespace {
    get(key: string, type: "text"): Promise<string | null>;
    get(key: string, options?: { cacheTtl?: number }): Promise<string | null>;
    getWithMetadata<M = unknown>(
      key: string,
      options: { type: "text"; cacheTtl?: number },
    ): Promise<{ value: string | null; metadata: M | null }>;
    put(key: string, value: string, options?: { expirationTtl?: number; metadata?: unknown }): Promise<void>;
    list(options?: { prefix?: string; limit?: number }): Promise<{ keys: { name: string }[] }>;
    delete(key: string): Promise<void>;
  }
  interface Queue<Body = unknown> {
    send(body: Body, options?: { contentType?: string; delaySeconds?: number }): Promise<void>;
    sendBatch(messages: Iterable<{ body: Body; contentType?: string }>): Promise<void>;
  }
  interface D1Result<T = Record<string, unknown>> {
    results: T[];
    success: boolean;
    meta: { changes: number; duration: number; rows_read?: number; rows_written?: number };
  }
  interface D1PreparedStatement {
    bind(...values: unknown[]): D1PreparedStatement;
    first<T = Record<string, unknown>>(): Promise<T | null>;
    all<T = Record<string, unknown>>(): Promise<D1Result<T>>;
    run<T = Record<string, unknown>>(): Promise<D1Result<T>>;
  }
  interface D1Database {
    prepare(query: string): D1PreparedStatement;
    batch<T = Record<string, unknown>>(statements: D1PreparedStatement[]): Promise<D1Result<T>[]>;
    exec(query: string): Promise<{ count: number; duration: number }>;
  }
  interface RateLimit {
    limit(options: { key: string }): Promise<{ success: boolean }>;
  }
  interface Message<Body = unknown> {
    readonly id: string;
    readonly body: Body;
    readonly attempts: number;
    ack(): void;
    retry(options?: { delaySeconds?: number }): void;
  }
  interface MessageBatch<Body = unknown> {
    readonly queue: string;
    readonly messages: readonly Message<Body>[];
  }
  interface DurableObjectId {
    toString(): string;
  }
  interface DurableObjectStub {
    fetch(input: string | Request, init?: RequestInit): Promise<Response>;
  }
  interface DurableObjectNamespace {
    idFromName(name: string): DurableObjectId;
    get(id: DurableObjectId): DurableObjectStub;
  }
  interface Env {
    CHAIN_COORDINATOR: DurableObjectNamespace;
    HISTORY_DB: D1Database;
    HISTORY_SETTLE_SECONDS: string;
    HISTORY_RETENTION_DAYS: string;
    COORDINATOR_TICK_MS: string;
    WEBHOOK_RETRY_BASE_MS: string;
    WEBHOOK_DISABLE_AFTER: string;
    WEBHOOK_ALLOW_LOOPBACK: string;
    CHAINS: string;
    FINALITY_KV: KVNamespace;
    SUBMISSIONS: Queue;
    SUBMISSIONS_DLQ: Queue;
    FP_RATE_LIMITER: RateLimit;
    IP_RATE_LIMITER: RateLimit;
    UNVERIFIED_RATE_LIMITER: RateLimit;
    MAX_BATCH: string;
    RELAYER_GAS_PRICE: string;
    RELAYER_GAS_ADJUSTMENT: string;
    RELAYER_MNEMONIC: string;
    REQUEUE_AFTER_SECONDS: string;
    RELAYER_POLL_MS: string;
  }
}

export {};
