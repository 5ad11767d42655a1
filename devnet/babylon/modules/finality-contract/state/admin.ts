/** @module The contract-internal admin (cw-controllers `Admin`, Item `admin`). */
import { notAdmin } from "../errors.ts";
import type { ContractStorage } from "../storage.ts";

const KEY = "admin";

export const loadAdmin = (storage: ContractStorage): string | null => storage.get<string | null>(KEY) ?? null;

export const saveAdmin = (storage: ContractStorage, admin: string | null): void => storage.set(KEY, admin);

/** `ADMIN.assert_admin`: the caller must equal the stored admin (none set → nobody is admin). */
export function assertAdmin(storage: ContractStorage, sender: string): void {
  const admin = loadAdmin(storage);
  if (admin === null || admin !== sender) throw notAdmin();
}
