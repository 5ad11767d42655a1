/** @module cw2 contract version (Item `contract_info`). */
import type { ContractStorage } from "../storage.ts";

export const CONTRACT_NAME = "rollup-bsn/finality";
export const CONTRACT_VERSION = "1.0.0-rc.1";

export type ContractVersion = { contract: string; version: string };

const KEY = "contract_info";

export const loadContractVersion = (storage: ContractStorage): ContractVersion | undefined =>
  storage.get<ContractVersion>(KEY);

export const saveContractVersion = (storage: ContractStorage, version: ContractVersion): void =>
  storage.set(KEY, version);
