/**
 * @module The application state machine (what baseapp is to an SDK chain): genesis, CheckTx against a
 * check state, block execution (begin-block of every module, then each tx: ante writes persist, the
 * messages run atomically in an overlay), commit with an app hash, simulation and ABCI queries with
 * the SDK's error mapping. Recent heights stay queryable through per-block undo journals.
 */
import { TxMsgData } from "cosmjs-types/cosmos/base/abci/v1beta1/abci";
import { SimulateRequest, SimulateResponse } from "cosmjs-types/cosmos/tx/v1beta1/service";
import { Any } from "cosmjs-types/google/protobuf/any";
import { utf8ToBytes } from "../../../src/crypto/index.ts";
import { CacheStore, type JsonValue, type KVStore, MemoryStore } from "../store/kv-store.ts";
import {
  Auth,
  attr,
  authBankModule,
  Bank,
  BOND_DENOM,
  FEE_COLLECTOR,
  feeCollectorAddress,
} from "./auth-bank.ts";
import { sha256, type Timestamp } from "./encoding.ts";
import { asTxFailure, OutOfGasError, SdkErrors, sdkError } from "./errors.ts";
import { GasKVStore, GasMeter } from "./gas.ts";
import {
  type AbciEvent,
  type BlockContext,
  type ChainModule,
  type MessageHandler,
  type QueryHandler,
  type TxContext,
  TxFailure,
} from "./module.ts";
import { AUTH_PARAMS, AUTH_PARAMS_KEY, type DecodedTx, decodeTx, type ExecMode, runAnte } from "./tx.ts";

/** An ABCI tx result (CheckTx or ExecTxResult). */
export type TxResult = {
  code: number;
  codespace: string;
  log: string;
  data: Uint8Array;
  gasWanted: number;
  gasUsed: number;
  events: AbciEvent[];
};

export type QueryResult = {
  code: number;
  codespace: string;
  log: string;
  value: Uint8Array;
  height: number;
};

export type GenesisAccountInit = { address: string; balanceUbbn: bigint };

/** Genesis step of a module: runs once at height 0 with an unmetered context. */
export type GenesisStep = (ctx: TxContext) => void;

export type ChainAppOptions = {
  chainId: string;
  minGasPriceUbbn: number;
  modules: readonly ChainModule[];
  log?: (line: string) => void;
  /** How many past heights stay queryable (undo journals kept in memory). */
  historyBlocks?: number;
};

type Journal = Map<string, JsonValue | undefined>;

/** Passes reads through; records the value each key had before its first write of the block. */
class JournalStore implements KVStore {
  readonly before: Journal = new Map();
  readonly #inner: MemoryStore;
  constructor(inner: MemoryStore) {
    this.#inner = inner;
  }
  get<T extends JsonValue = JsonValue>(key: string): T | undefined {
    return this.#inner.get<T>(key);
  }
  has(key: string): boolean {
    return this.#inner.has(key);
  }
  set(key: string, value: JsonValue): void {
    if (!this.before.has(key)) this.before.set(key, this.#inner.get(key));
    this.#inner.set(key, value);
  }
  delete(key: string): void {
    if (!this.before.has(key)) this.before.set(key, this.#inner.get(key));
    this.#inner.delete(key);
  }
  entries(prefix: string, options?: { reverse?: boolean }): Array<[string, JsonValue]> {
    return this.#inner.entries(prefix, options);
  }
}

/** The committed state as it was at an earlier height: current values under the undo journals of later blocks. */
class HistoricalView implements KVStore {
  readonly #current: KVStore;
  /** Journals of the blocks after the viewed height, ascending. */
  readonly #journals: readonly Journal[];
  constructor(current: KVStore, journals: readonly Journal[]) {
    this.#current = current;
    this.#journals = journals;
  }
  get<T extends JsonValue = JsonValue>(key: string): T | undefined {
    for (const journal of this.#journals) if (journal.has(key)) return journal.get(key) as T | undefined;
    return this.#current.get<T>(key);
  }
  has(key: string): boolean {
    for (const journal of this.#journals) if (journal.has(key)) return journal.get(key) !== undefined;
    return this.#current.has(key);
  }
  set(): void {
    throw new Error("historical state is read-only");
  }
  delete(): void {
    throw new Error("historical state is read-only");
  }
  entries(prefix: string, options: { reverse?: boolean } = {}): Array<[string, JsonValue]> {
    const merged = new Map(this.#current.entries(prefix));
    for (let i = this.#journals.length - 1; i >= 0; i--) {
      for (const [key, value] of this.#journals[i] as Journal) {
        if (!key.startsWith(prefix)) continue;
        if (value === undefined) merged.delete(key);
        else merged.set(key, value);
      }
    }
    const found = [...merged].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return options.reverse ? found.reverse() : found;
  }
}

const canonical = (entries: Array<[string, JsonValue | null]>): Uint8Array =>
  utf8ToBytes(JSON.stringify(entries));

/** `sdk.GetModuleNameFromTypeURL`: the second dot-separated part (`/cosmos.bank.v1beta1.MsgSend` → `bank`). */
const moduleNameFromTypeUrl = (typeUrl: string): string => typeUrl.split(".")[1] ?? "";

const VERSION = "v4.3.1";

export class ChainApp {
  readonly chainId: string;
  readonly store: MemoryStore;
  readonly #minGasPrice: number;
  readonly #modules: readonly ChainModule[];
  readonly #messages = new Map<string, MessageHandler>();
  readonly #queries = new Map<string, QueryHandler>();
  readonly #log: (line: string) => void;
  readonly #historyBlocks: number;
  /** Undo journals by height (the writes of that block). */
  readonly #journals = new Map<number, Journal>();
  #checkState: CacheStore;
  /** Tx hashes (hex) whose signature CheckTx verified; DeliverTx skips the curve operation for them. */
  readonly #verified = new Set<string>();

  lastHeight = 0;
  lastAppHash: Uint8Array = new Uint8Array();
  lastBlockTime: Timestamp = { ms: 0, nanos: 0 };

  constructor(options: ChainAppOptions, store: MemoryStore = new MemoryStore()) {
    this.chainId = options.chainId;
    this.#minGasPrice = options.minGasPriceUbbn;
    this.#modules = [authBankModule, ...options.modules];
    this.#log = options.log ?? (() => {});
    this.#historyBlocks = options.historyBlocks ?? 1000;
    this.store = store;
    this.#checkState = new CacheStore(store);
    for (const module of this.#modules) {
      for (const [typeUrl, handler] of Object.entries(module.messages ?? {})) {
        if (this.#messages.has(typeUrl))
          throw new Error(`message ${typeUrl} registered twice (${module.name})`);
        this.#messages.set(typeUrl, handler);
      }
      for (const [path, handler] of Object.entries(module.queries ?? {})) {
        if (this.#queries.has(path)) throw new Error(`query ${path} registered twice (${module.name})`);
        this.#queries.set(path, handler);
      }
    }
    this.#queries.set("/cosmos.tx.v1beta1.Service/Simulate", (request) => this.#simulateQuery(request));
  }

  /** Genesis accounts and balances, the fee collector, then each module's genesis; sets the genesis app hash. */
  initGenesis(time: Timestamp, accounts: readonly GenesisAccountInit[], steps: readonly GenesisStep[]): void {
    const overlay = new CacheStore(this.store);
    for (const account of accounts) {
      Auth.create(overlay, account.address);
      if (account.balanceUbbn > 0n)
        Bank.mint(overlay, account.address, { denom: BOND_DENOM, amount: account.balanceUbbn });
    }
    Auth.create(overlay, feeCollectorAddress, FEE_COLLECTOR);
    overlay.set(AUTH_PARAMS_KEY, AUTH_PARAMS);
    overlay.commit();
    for (const step of steps) {
      const stepOverlay = new CacheStore(this.store);
      step({
        height: 0,
        time: new Date(time.ms),
        chainId: this.chainId,
        store: stepOverlay,
        signer: "",
        emit: () => {},
        consumeGas: () => {},
      });
      stepOverlay.commit();
    }
    const dump = this.store.dump();
    const entries = Object.keys(dump)
      .sort()
      .map((key): [string, JsonValue] => [key, dump[key] as JsonValue]);
    this.lastAppHash = sha256(canonical(entries));
    this.lastBlockTime = time;
    this.lastHeight = 0;
    this.#checkState = new CacheStore(this.store);
  }

  /** Resumes from a snapshot's state. */
  restore(height: number, appHash: Uint8Array, blockTime: Timestamp): void {
    this.lastHeight = height;
    this.lastAppHash = appHash;
    this.lastBlockTime = blockTime;
    this.#checkState = new CacheStore(this.store);
  }

  #isRoutable = (typeUrl: string): boolean => this.#messages.has(typeUrl);

  #decode(bytes: Uint8Array): DecodedTx {
    const tx = decodeTx(bytes, this.#isRoutable);
    if (tx.messages.length === 0)
      throw sdkError(SdkErrors.InvalidRequest, "must contain at least one message");
    return tx;
  }

  /** CheckTx without keeping anything (the `check_tx` RPC). */
  checkTxDryRun(bytes: Uint8Array): TxResult {
    return this.checkTx(bytes, "", false);
  }

  /** CheckTx: decode and ante against the check state (messages do not run). */
  checkTx(bytes: Uint8Array, hashHex: string, keep = true): TxResult {
    const ante = this.#decodeAndAnte(bytes, "check", this.lastHeight, this.#checkState, false);
    if ("failed" in ante) return ante.failed;
    if (keep) {
      ante.overlay.commit();
      this.#verified.add(hashHex);
    }
    return {
      code: 0,
      codespace: "",
      log: "",
      data: new Uint8Array(),
      gasWanted: ante.tx.gasLimit,
      gasUsed: ante.meter.consumed,
      events: ante.events,
    };
  }

  /**
   * Decode and ante of a tx in an overlay of `parent` (not committed). A failure comes back as the
   * tx's result: a decode failure charges no gas, an ante failure its gas so far and no events.
   */
  #decodeAndAnte(
    bytes: Uint8Array,
    mode: ExecMode,
    height: number,
    parent: KVStore,
    verified: boolean,
  ):
    | { failed: TxResult }
    | { tx: DecodedTx; signer: string; meter: GasMeter; overlay: CacheStore; events: AbciEvent[] } {
    let tx: DecodedTx;
    try {
      tx = this.#decode(bytes);
    } catch (error) {
      return { failed: failureResult(asTxFailure(error), 0, 0, []) };
    }
    const meter = new GasMeter(tx.gasLimit);
    const overlay = new CacheStore(parent);
    const events: AbciEvent[] = [];
    try {
      const signer = runAnte(
        tx,
        this.#anteEnv(mode, height, new GasKVStore(overlay, meter), meter, events, verified),
      );
      return { tx, signer, meter, overlay, events };
    } catch (error) {
      return {
        failed: failureResult(this.#txFailure(error, tx.gasLimit, meter), tx.gasLimit, meter.consumed, []),
      };
    }
  }

  #anteEnv(
    mode: ExecMode,
    height: number,
    store: KVStore,
    meter: GasMeter,
    events: AbciEvent[],
    verified: boolean,
  ) {
    return {
      mode,
      height,
      chainId: this.chainId,
      minGasPriceUbbn: this.#minGasPrice,
      store,
      meter,
      emit: (event: AbciEvent) => events.push(event),
      signatureVerified: verified,
    };
  }

  #txFailure(error: unknown, gasLimit: number, meter: GasMeter): TxFailure {
    if (error instanceof OutOfGasError) {
      return sdkError(
        SdkErrors.OutOfGas,
        `out of gas in location: ${error.descriptor}; gasWanted: ${gasLimit}, gasUsed: ${meter.consumed}`,
      );
    }
    if (!(error instanceof TxFailure)) {
      this.#log(
        `devnet: tx handler threw (reported as ErrPanic): ${error instanceof Error ? error.stack : error}`,
      );
    }
    return asTxFailure(error);
  }

  /** Runs the messages of a tx in an overlay of `parent`; returns events and TxMsgData, or throws. */
  #runMessages(
    tx: DecodedTx,
    signer: string,
    parent: KVStore,
    meter: GasMeter,
    block: { height: number; time: Timestamp },
  ): { overlay: CacheStore; events: AbciEvent[]; data: Uint8Array; responses: Any[] } {
    const overlay = new CacheStore(parent);
    const store = new GasKVStore(overlay, meter);
    const events: AbciEvent[] = [];
    const responses: Any[] = [];
    tx.messages.forEach((msg, index) => {
      const handler = this.#messages.get(msg.typeUrl);
      if (!handler) throw sdkError(SdkErrors.TxDecode, `unable to resolve type URL ${msg.typeUrl}`);
      const msgEvents: AbciEvent[] = [];
      const ctx: TxContext = {
        height: block.height,
        time: new Date(block.time.ms),
        chainId: this.chainId,
        store,
        signer,
        emit: (event) =>
          msgEvents.push({ type: event.type, attributes: event.attributes.map((a) => ({ ...a })) }),
        consumeGas: (amount, descriptor) => meter.consume(amount, descriptor),
      };
      let response: Uint8Array | undefined;
      try {
        response = handler(msg.value, ctx);
      } catch (error) {
        if (error instanceof TxFailure) {
          throw new TxFailure(
            error.codespace,
            error.abciCode,
            `failed to execute message; message index: ${index}: ${error.message}`,
          );
        }
        throw error;
      }
      const messageEvent: AbciEvent = {
        type: "message",
        attributes: [attr("action", msg.typeUrl), attr("sender", signer)],
      };
      const moduleName = moduleNameFromTypeUrl(msg.typeUrl);
      const hasModule = msgEvents.some((e) => e.attributes.some((a) => a.key === "module"));
      if (!hasModule && moduleName) messageEvent.attributes.push(attr("module", moduleName));
      for (const event of [messageEvent, ...msgEvents]) {
        events.push({
          type: event.type,
          attributes: [...event.attributes, attr("msg_index", String(index))],
        });
      }
      responses.push(
        Any.fromPartial({ typeUrl: `${msg.typeUrl}Response`, value: response ?? new Uint8Array() }),
      );
    });
    const data = TxMsgData.encode({ data: [], msgResponses: responses }).finish();
    return { overlay, events, data, responses };
  }

  /** Simulation against the check state: ante without signatures, then the messages; nothing is kept. */
  simulate(bytes: Uint8Array): {
    gasWanted: number;
    gasUsed: number;
    data: Uint8Array;
    events: AbciEvent[];
    responses: Any[];
  } {
    const tx = this.#decode(bytes);
    const meter = new GasMeter(Number.POSITIVE_INFINITY);
    const anteOverlay = new CacheStore(this.#checkState);
    const events: AbciEvent[] = [];
    const height = this.lastHeight;
    try {
      const signer = runAnte(
        tx,
        this.#anteEnv("simulate", height, new GasKVStore(anteOverlay, meter), meter, events, false),
      );
      const result = this.#runMessages(tx, signer, anteOverlay, meter, { height, time: this.lastBlockTime });
      return {
        gasWanted: tx.gasLimit,
        gasUsed: meter.consumed,
        data: result.data,
        events: [...events, ...result.events],
        responses: result.responses,
      };
    } catch (error) {
      const failure = this.#txFailure(error, tx.gasLimit, meter);
      throw new SimulationError(failure, tx.gasLimit, meter.consumed);
    }
  }

  #simulateQuery(request: Uint8Array): Uint8Array {
    const { txBytes } = SimulateRequest.decode(request);
    let result: ReturnType<ChainApp["simulate"]>;
    try {
      result = this.simulate(txBytes);
    } catch (error) {
      const failure = error instanceof SimulationError ? error.failure : asTxFailure(error);
      const gas = error instanceof SimulationError ? error : { gasWanted: 0, gasUsed: 0 };
      throw sdkError(
        SdkErrors.UnknownRequest,
        `rpc error: code = Unknown desc = ${failure.message} With gas wanted: '${gas.gasWanted}' and gas used: '${gas.gasUsed}' `,
      );
    }
    return SimulateResponse.encode({
      gasInfo: { gasWanted: BigInt(result.gasWanted), gasUsed: BigInt(result.gasUsed) },
      result: {
        data: result.data,
        log: "",
        events: result.events.map((e) => ({
          type: e.type,
          attributes: e.attributes.map((a) => ({ key: a.key, value: a.value, index: true })),
        })),
        msgResponses: result.responses,
      },
    }).finish();
  }

  /**
   * FinalizeBlock + Commit: begin-block of every module, then each tx (the caller's mempool order).
   * Returns the tx results and the new app hash.
   */
  finalizeBlock(
    height: number,
    time: Timestamp,
    txs: ReadonlyArray<{ bytes: Uint8Array; hash: string }>,
  ): {
    results: TxResult[];
    appHash: Uint8Array;
  } {
    const journal = new JournalStore(this.store);
    const blockState = new CacheStore(journal);
    const blockCtx: BlockContext = {
      height,
      time: new Date(time.ms),
      chainId: this.chainId,
      store: blockState,
    };
    for (const module of this.#modules) {
      if (!module.beginBlock) continue;
      const overlay = new CacheStore(blockState);
      try {
        module.beginBlock({ ...blockCtx, store: overlay });
        overlay.commit();
      } catch (error) {
        this.#log(
          `devnet: ${module.name}.beginBlock threw at height ${height} (its writes dropped): ${error instanceof Error ? error.stack : error}`,
        );
      }
    }
    const results = txs.map((tx) => this.#deliverTx(tx.bytes, tx.hash, blockState, { height, time }));
    blockState.commit();
    // Commit: the app hash chains the previous one with this block's writes.
    const touched = [...journal.before.keys()].sort();
    const writes = touched.map((key): [string, JsonValue | null] => [key, this.store.get(key) ?? null]);
    const appHash = sha256(Buffer.concat([this.lastAppHash, canonical(writes)]));
    this.#journals.set(height, journal.before);
    this.#journals.delete(height - this.#historyBlocks);
    this.lastHeight = height;
    this.lastAppHash = appHash;
    this.lastBlockTime = time;
    this.#checkState = new CacheStore(this.store);
    this.#verified.clear();
    return { results, appHash };
  }

  #deliverTx(
    bytes: Uint8Array,
    hash: string,
    blockState: KVStore,
    block: { height: number; time: Timestamp },
  ): TxResult {
    const ante = this.#decodeAndAnte(bytes, "deliver", block.height, blockState, this.#verified.has(hash));
    if ("failed" in ante) return ante.failed;
    const { tx, signer, meter, events: anteEvents } = ante;
    ante.overlay.commit();
    try {
      const result = this.#runMessages(tx, signer, blockState, meter, block);
      result.overlay.commit();
      return {
        code: 0,
        codespace: "",
        log: "",
        data: result.data,
        gasWanted: tx.gasLimit,
        gasUsed: meter.consumed,
        events: [...anteEvents, ...result.events],
      };
    } catch (error) {
      return failureResult(
        this.#txFailure(error, tx.gasLimit, meter),
        tx.gasLimit,
        meter.consumed,
        anteEvents,
      );
    }
  }

  /** A read-only view of the committed state at `height` (undefined when that height is no longer kept). */
  #stateAt(height: number): KVStore | undefined {
    if (height === this.lastHeight) return this.store;
    const journals: Journal[] = [];
    for (let h = height + 1; h <= this.lastHeight; h++) {
      const journal = this.#journals.get(h);
      if (!journal) return undefined;
      journals.push(journal);
    }
    return new HistoricalView(this.store, journals);
  }

  /** ABCI Query: gRPC routes first, then `/app/…`; errors as baseapp reports them. */
  query(path: string, data: Uint8Array, requestedHeight: number, prove: boolean): QueryResult {
    const handler = this.#queries.get(path);
    if (!handler) {
      const parts = path.split("/").filter((p, i) => i > 0 || p !== "");
      if (parts.length === 0 || path === "")
        return queryFailure(sdkError(SdkErrors.UnknownRequest, "no query path provided"), 0);
      if (parts[0] === "app" && parts[1] === "version") {
        return { code: 0, codespace: "", log: "", value: utf8ToBytes(VERSION), height: this.lastHeight };
      }
      return queryFailure(sdkError(SdkErrors.UnknownRequest, "unknown query path"), 0);
    }
    const height = requestedHeight === 0 ? this.lastHeight : requestedHeight;
    if (height < 0) {
      return queryFailure(
        sdkError(SdkErrors.InvalidRequest, "cannot query with height < 0; please provide a valid height"),
        0,
      );
    }
    if (height > this.lastHeight) {
      return queryFailure(
        sdkError(
          SdkErrors.InvalidHeight,
          "cannot query with height in the future; please provide a valid height",
        ),
        0,
      );
    }
    if (prove && height <= 1) {
      return queryFailure(
        sdkError(
          SdkErrors.InvalidRequest,
          "cannot query with proof when height <= 1; please provide a valid height",
        ),
        0,
      );
    }
    const state = this.#stateAt(height);
    if (!state) {
      return queryFailure(
        sdkError(
          SdkErrors.InvalidRequest,
          `failed to load state at height ${height}; version does not exist (latest height: ${this.lastHeight})`,
        ),
        0,
      );
    }
    const ctx: BlockContext = {
      height,
      time: new Date(this.lastBlockTime.ms),
      chainId: this.chainId,
      store: new CacheStore(state),
    };
    try {
      const value = handler(data, ctx);
      return { code: 0, codespace: "", log: "", value, height };
    } catch (error) {
      return queryFailure(grpcToSdk(error, this.#log), height);
    }
  }
}

export class SimulationError extends Error {
  readonly failure: TxFailure;
  readonly gasWanted: number;
  readonly gasUsed: number;
  constructor(failure: TxFailure, gasWanted: number, gasUsed: number) {
    super(failure.message);
    this.failure = failure;
    this.gasWanted = gasWanted;
    this.gasUsed = gasUsed;
  }
}

/**
 * baseapp's `gRPCErrorToSDKError` for a query handler's error: `sdk` failures are taken as already
 * mapped (the handler chose code and log); errors of other codespaces are registered module errors
 * with gRPC code Unknown, which a node reports as `ErrUnknownRequest` wrapping their text.
 */
function grpcToSdk(error: unknown, log: (line: string) => void): TxFailure {
  if (error instanceof TxFailure) {
    if (error.codespace === "sdk") return error;
    return sdkError(SdkErrors.UnknownRequest, error.message);
  }
  log(`devnet: query handler threw: ${error instanceof Error ? error.stack : error}`);
  return sdkError(SdkErrors.UnknownRequest, error instanceof Error ? error.message : String(error));
}

const queryFailure = (failure: TxFailure, height: number): QueryResult => ({
  code: failure.abciCode,
  codespace: failure.codespace,
  log: failure.message,
  value: new Uint8Array(),
  height,
});

const failureResult = (
  failure: TxFailure,
  gasWanted: number,
  gasUsed: number,
  events: AbciEvent[],
): TxResult => ({
  code: failure.abciCode,
  codespace: failure.codespace,
  log: failure.message,
  data: new Uint8Array(),
  gasWanted,
  gasUsed,
  events,
});
