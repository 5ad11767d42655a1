/** @module The page's configuration: the query string (`?edge=…&rpc=…&chain=…`) over the devnet's defaults. */

export type DappConfig = {
  /** The Finality Edge (its `/v1/*` answers any origin). */
  edge: string;
  /** The L2's JSON-RPC, with anvil's unlocked dev accounts (anvil answers CORS). */
  rpc: string;
  chain: string;
};

export const DEVNET_DEFAULTS: DappConfig = {
  edge: "http://127.0.0.1:8787",
  rpc: "http://127.0.0.1:8545",
  chain: "edge-devnet-l2",
};

export function readConfig(search: string): DappConfig {
  const query = new URLSearchParams(search);
  const pick = (key: keyof DappConfig) => query.get(key)?.trim() || DEVNET_DEFAULTS[key];
  return { edge: pick("edge"), rpc: pick("rpc"), chain: pick("chain") };
}
