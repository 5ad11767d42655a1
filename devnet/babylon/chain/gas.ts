/**
 * @module Gas as the Cosmos SDK meters it: a meter with a limit (infinite in simulation and at genesis)
 * that fails with "out of gas" once consumption exceeds it, and a KV store wrapper charging the SDK's
 * default `KVGasConfig` for every read, write, delete and iterated entry.
 */
import type { JsonValue, KVStore } from "../store/kv-store.ts";
import { OutOfGasError } from "./errors.ts";

/** `x/auth` default params and `storetypes.KVGasConfig()`. */
export const GasCosts = {
  txSizeCostPerByte: 10,
  sigVerifyCostSecp256k1: 1000,
  hasCost: 1000,
  deleteCost: 1000,
  readCostFlat: 1000,
  readCostPerByte: 3,
  writeCostFlat: 2000,
  writeCostPerByte: 30,
  iterNextCostFlat: 30,
} as const;

export class GasMeter {
  readonly limit: number;
  #consumed = 0;
  /** `limit` of `Infinity` never runs out (simulation, genesis, begin-block). */
  constructor(limit: number) {
    this.limit = limit;
  }
  get consumed(): number {
    return this.#consumed;
  }
  consume(amount: number, descriptor: string): void {
    if (!Number.isFinite(amount) || amount < 0)
      throw new Error(`invalid gas amount ${amount} (${descriptor})`);
    this.#consumed += Math.ceil(amount);
    if (this.#consumed > this.limit) throw new OutOfGasError(descriptor);
  }
}

const byteLength = (text: string): number => Buffer.byteLength(text, "utf8");
const valueLength = (value: JsonValue | undefined): number =>
  value === undefined ? 0 : byteLength(JSON.stringify(value));

/** `gaskv.Store`: charges `meter` for each access, then delegates to `parent`. */
export class GasKVStore implements KVStore {
  readonly #parent: KVStore;
  readonly #meter: GasMeter;
  constructor(parent: KVStore, meter: GasMeter) {
    this.#parent = parent;
    this.#meter = meter;
  }
  get<T extends JsonValue = JsonValue>(key: string): T | undefined {
    this.#meter.consume(GasCosts.readCostFlat, "ReadFlat");
    const value = this.#parent.get<T>(key);
    this.#meter.consume(GasCosts.readCostPerByte * byteLength(key), "ReadPerByte");
    this.#meter.consume(GasCosts.readCostPerByte * valueLength(value), "ReadPerByte");
    return value;
  }
  has(key: string): boolean {
    this.#meter.consume(GasCosts.hasCost, "Has");
    return this.#parent.has(key);
  }
  set(key: string, value: JsonValue): void {
    this.#meter.consume(GasCosts.writeCostFlat, "WriteFlat");
    this.#meter.consume(GasCosts.writeCostPerByte * byteLength(key), "WritePerByte");
    this.#meter.consume(GasCosts.writeCostPerByte * valueLength(value), "WritePerByte");
    this.#parent.set(key, value);
  }
  delete(key: string): void {
    this.#meter.consume(GasCosts.deleteCost, "Delete");
    this.#parent.delete(key);
  }
  entries(prefix: string, options?: { reverse?: boolean }): Array<[string, JsonValue]> {
    const found = this.#parent.entries(prefix, options);
    for (const [key, value] of found) {
      this.#meter.consume(GasCosts.iterNextCostFlat, "IterNextFlat");
      this.#meter.consume(GasCosts.readCostPerByte * (byteLength(key) + valueLength(value)), "ValuePerByte");
    }
    return found;
  }
}
