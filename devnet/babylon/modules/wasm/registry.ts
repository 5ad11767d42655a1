/**
 * @module The wasm module's contract registry in the chain store: one record per instantiated
 * contract (wasmd's `ContractInfo`), keyed by address. There is one code, the finality contract.
 */
import type { KVStore } from "../../store/kv-store.ts";

export const FINALITY_CODE_ID = 1;

export type ContractRecord = {
  address: string;
  codeId: number;
  /** Account that instantiated it (the consumer's admin at genesis). */
  creator: string;
  /** wasmd contract admin: may migrate. */
  admin: string;
  label: string;
  bsnId: string;
  /** Babylon height of instantiation. */
  createdHeight: number;
};

const key = (address: string) => `wasm/contracts/${address}`;

export const loadContract = (store: KVStore, address: string): ContractRecord | undefined =>
  store.get<ContractRecord>(key(address));

export const saveContract = (store: KVStore, record: ContractRecord): void =>
  store.set(key(record.address), record);
