/**
 * @module The core's `x/auth` and `x/bank`: accounts (number, sequence, public key once known),
 * balances and supply in the store, `MsgSend`, and their gRPC queries with the SDK's answers and errors.
 *
 * Store layout: `auth/acc/<bech32>` → {@link AccountRecord}; `auth/next` → next account number;
 * `bank/bal/<bech32>/<denom>` → amount (decimal string); `bank/supply/<denom>` → amount.
 */
import { toBech32 } from "@cosmjs/encoding";
import { ripemd160 } from "@noble/hashes/legacy.js";
import { BaseAccount, ModuleAccount } from "cosmjs-types/cosmos/auth/v1beta1/auth";
import {
  QueryAccountInfoRequest,
  QueryAccountInfoResponse,
  QueryAccountRequest,
  QueryAccountResponse,
} from "cosmjs-types/cosmos/auth/v1beta1/query";
import {
  QueryAllBalancesRequest,
  QueryAllBalancesResponse,
  QueryBalanceRequest,
  QueryBalanceResponse,
  QuerySpendableBalancesRequest,
  QuerySpendableBalancesResponse,
  QuerySupplyOfRequest,
  QuerySupplyOfResponse,
  QueryTotalSupplyResponse,
} from "cosmjs-types/cosmos/bank/v1beta1/query";
import { MsgSend, MsgSendResponse } from "cosmjs-types/cosmos/bank/v1beta1/tx";
import { PubKey } from "cosmjs-types/cosmos/crypto/secp256k1/keys";
import { Any } from "cosmjs-types/google/protobuf/any";
import { base64ToBytes, utf8ToBytes } from "../../../src/crypto/index.ts";
import type { KVStore } from "../store/kv-store.ts";
import { sha256 } from "./encoding.ts";
import { SdkErrors, sdkError } from "./errors.ts";
import { decodeAndConvert, GoBech32Error } from "./go-bech32.ts";
import type { AbciEvent, ChainModule, QueryHandler, TxContext, TxFailure } from "./module.ts";

export const BECH32_PREFIX = "bbn";
export const BOND_DENOM = "ubbn";
export const FEE_COLLECTOR = "fee_collector";
export const SECP256K1_PUBKEY_TYPE = "/cosmos.crypto.secp256k1.PubKey";

export type AccountRecord = {
  /** Account number. */
  n: number;
  /** Sequence (number of txs signed so far). */
  s: number;
  /** Compressed secp256k1 public key, base64, once the account has signed. */
  pk?: string;
  /** Module name for module accounts. */
  mod?: string;
};

export type Coin = { denom: string; amount: bigint };

/** `sdk.AccAddress` of a compressed secp256k1 key: ripemd160(sha256(key)). */
export const addressFromPubkey = (compressed: Uint8Array): string =>
  toBech32(BECH32_PREFIX, ripemd160(sha256(compressed)));

/** `authtypes.NewModuleAddress(name)`: the first 20 bytes of sha256(name). */
export const moduleAddress = (name: string): string =>
  toBech32(BECH32_PREFIX, sha256(utf8ToBytes(name)).slice(0, 20));

export const feeCollectorAddress = moduleAddress(FEE_COLLECTOR);

/** Validates a `bbn1…` address; returns the error text the SDK's address codec gives. */
export function addressError(address: string): string | undefined {
  if (address === "") return "empty address string is not allowed";
  try {
    const { hrp, data } = decodeAndConvert(address);
    if (hrp !== BECH32_PREFIX) return `invalid Bech32 prefix; expected ${BECH32_PREFIX}, got ${hrp}`;
    if (data.length === 0 || data.length > 255)
      return `address length must be 1-255 bytes, got ${data.length}`;
    return undefined;
  } catch (error) {
    if (!(error instanceof GoBech32Error)) throw error;
    return error.message;
  }
}

const DENOM_RE = /^[a-zA-Z][a-zA-Z0-9/:._-]{2,127}$/;

/** `sdk.Coins.String()`: `100ubbn,5uatom` (empty string for no coins). */
export const coinsString = (coins: readonly Coin[]): string =>
  coins.map((c) => `${c.amount}${c.denom}`).join(",");

/** `sdk.Coins.IsValid()`: sorted, unique, valid denoms, positive amounts. */
export function coinsValid(coins: readonly Coin[]): boolean {
  for (let i = 0; i < coins.length; i++) {
    const coin = coins[i] as Coin;
    if (!DENOM_RE.test(coin.denom) || coin.amount <= 0n) return false;
    if (i > 0 && (coins[i - 1] as Coin).denom >= coin.denom) return false;
  }
  return true;
}

export function parseCoins(coins: ReadonlyArray<{ denom: string; amount: string }>): Coin[] | undefined {
  const parsed: Coin[] = [];
  for (const coin of coins) {
    if (!/^\d+$/.test(coin.amount)) return undefined;
    parsed.push({ denom: coin.denom, amount: BigInt(coin.amount) });
  }
  return parsed;
}

const accountKey = (address: string): string => `auth/acc/${address}`;
const balancePrefix = (address: string): string => `bank/bal/${address}/`;
const balanceKey = (address: string, denom: string): string => `${balancePrefix(address)}${denom}`;
const supplyKey = (denom: string): string => `bank/supply/${denom}`;

export const Auth = {
  get(store: KVStore, address: string): AccountRecord | undefined {
    return store.get<AccountRecord>(accountKey(address));
  },
  set(store: KVStore, address: string, account: AccountRecord): void {
    store.set(accountKey(address), account);
  },
  has(store: KVStore, address: string): boolean {
    return store.has(accountKey(address));
  },
  /** `NewAccountWithAddress` + `SetAccount`: the next account number. */
  create(store: KVStore, address: string, module?: string): AccountRecord {
    const n = store.get<number>("auth/next") ?? 0;
    store.set("auth/next", n + 1);
    const account: AccountRecord = module ? { n, s: 0, mod: module } : { n, s: 0 };
    Auth.set(store, address, account);
    return account;
  },
};

export const Bank = {
  balance(store: KVStore, address: string, denom: string): bigint {
    const amount = store.get<string>(balanceKey(address, denom));
    return amount === undefined ? 0n : BigInt(amount);
  },
  balances(store: KVStore, address: string): Coin[] {
    const prefix = balancePrefix(address);
    return store
      .entries(prefix)
      .map(([key, amount]) => ({ denom: key.slice(prefix.length), amount: BigInt(amount as string) }))
      .filter((coin) => coin.amount > 0n);
  },
  setBalance(store: KVStore, address: string, denom: string, amount: bigint): void {
    if (amount === 0n) store.delete(balanceKey(address, denom));
    else store.set(balanceKey(address, denom), amount.toString());
  },
  supply(store: KVStore, denom: string): bigint {
    const amount = store.get<string>(supplyKey(denom));
    return amount === undefined ? 0n : BigInt(amount);
  },
  /** Genesis / mint: adds to the balance and to the supply. */
  mint(store: KVStore, address: string, coin: Coin): void {
    Bank.setBalance(store, address, coin.denom, Bank.balance(store, address, coin.denom) + coin.amount);
    store.set(supplyKey(coin.denom), (Bank.supply(store, coin.denom) + coin.amount).toString());
  },
  /**
   * `BaseSendKeeper.SendCoins`: moves `coins`, creates the recipient's account if missing, emits
   * coin_spent, coin_received, transfer and message events. Throws `insufficient funds`.
   */
  send(
    store: KVStore,
    from: string,
    to: string,
    coins: readonly Coin[],
    emit: (event: AbciEvent) => void,
  ): void {
    for (const coin of coins) {
      const balance = Bank.balance(store, from, coin.denom);
      if (balance < coin.amount) {
        throw sdkError(
          SdkErrors.InsufficientFunds,
          `spendable balance ${balance}${coin.denom} is smaller than ${coin.amount}${coin.denom}`,
        );
      }
      Bank.setBalance(store, from, coin.denom, balance - coin.amount);
    }
    const amount = coinsString(coins);
    emit({ type: "coin_spent", attributes: [attr("spender", from), attr("amount", amount)] });
    for (const coin of coins) {
      Bank.setBalance(store, to, coin.denom, Bank.balance(store, to, coin.denom) + coin.amount);
    }
    emit({ type: "coin_received", attributes: [attr("receiver", to), attr("amount", amount)] });
    if (!Auth.has(store, to)) Auth.create(store, to);
    emit({
      type: "transfer",
      attributes: [attr("recipient", to), attr("sender", from), attr("amount", amount)],
    });
    emit({ type: "message", attributes: [attr("sender", from)] });
  },
};

export const attr = (key: string, value: string): { key: string; value: string } => ({ key, value });

function baseAccount(address: string, account: AccountRecord): BaseAccount {
  return BaseAccount.fromPartial({
    address,
    accountNumber: BigInt(account.n),
    sequence: BigInt(account.s),
    ...(account.pk
      ? {
          pubKey: Any.fromPartial({
            typeUrl: SECP256K1_PUBKEY_TYPE,
            value: PubKey.encode({ key: base64ToBytes(account.pk) }).finish(),
          }),
        }
      : {}),
  });
}

/** The `Any` an Account query answers with: a BaseAccount, or a ModuleAccount for module accounts. */
export function accountAny(address: string, account: AccountRecord): Any {
  const base = baseAccount(address, account);
  if (account.mod) {
    return Any.fromPartial({
      typeUrl: "/cosmos.auth.v1beta1.ModuleAccount",
      value: ModuleAccount.encode({ baseAccount: base, name: account.mod, permissions: [] }).finish(),
    });
  }
  return Any.fromPartial({
    typeUrl: "/cosmos.auth.v1beta1.BaseAccount",
    value: BaseAccount.encode(base).finish(),
  });
}

/** A gRPC status error as baseapp turns it into an ABCI query result (`rpc error: code = … desc = …`). */
export function grpcError(status: "NotFound" | "InvalidArgument", message: string): TxFailure {
  const error = status === "NotFound" ? SdkErrors.KeyNotFound : SdkErrors.InvalidRequest;
  return sdkError(error, `rpc error: code = ${status} desc = ${message}`);
}

function requireAddress(address: string): void {
  if (address === "") throw grpcError("InvalidArgument", "Address cannot be empty");
  const error = addressError(address);
  if (error) throw grpcError("InvalidArgument", error);
}

function requireDenom(denom: string): void {
  if (!DENOM_RE.test(denom)) throw grpcError("InvalidArgument", `invalid denom: ${denom}`);
}

const pageOf = (total: number) => ({ nextKey: new Uint8Array(), total: BigInt(total) });

/** The account of a query's address (checked first), or gRPC NotFound. */
function requiredAccount(store: KVStore, address: string): AccountRecord {
  requireAddress(address);
  const account = Auth.get(store, address);
  if (!account) throw grpcError("NotFound", `account ${address} not found`);
  return account;
}

/** An address's balances as the bank queries list them. Nothing is locked here: all of it is spendable. */
function balancesOf(store: KVStore, address: string): Array<{ denom: string; amount: string }> {
  requireAddress(address);
  return Bank.balances(store, address).map((c) => ({ denom: c.denom, amount: c.amount.toString() }));
}

const queries: Record<string, QueryHandler> = {
  "/cosmos.auth.v1beta1.Query/Account": (request, ctx) => {
    const { address } = QueryAccountRequest.decode(request);
    const account = requiredAccount(ctx.store, address);
    return QueryAccountResponse.encode({ account: accountAny(address, account) }).finish();
  },
  "/cosmos.auth.v1beta1.Query/AccountInfo": (request, ctx) => {
    const { address } = QueryAccountInfoRequest.decode(request);
    const account = requiredAccount(ctx.store, address);
    return QueryAccountInfoResponse.encode({ info: baseAccount(address, account) }).finish();
  },
  "/cosmos.bank.v1beta1.Query/Balance": (request, ctx) => {
    const { address, denom } = QueryBalanceRequest.decode(request);
    requireAddress(address);
    requireDenom(denom);
    const amount = Bank.balance(ctx.store, address, denom);
    return QueryBalanceResponse.encode({ balance: { denom, amount: amount.toString() } }).finish();
  },
  "/cosmos.bank.v1beta1.Query/AllBalances": (request, ctx) => {
    const { address } = QueryAllBalancesRequest.decode(request);
    const balances = balancesOf(ctx.store, address);
    return QueryAllBalancesResponse.encode({ balances, pagination: pageOf(balances.length) }).finish();
  },
  "/cosmos.bank.v1beta1.Query/SpendableBalances": (request, ctx) => {
    const { address } = QuerySpendableBalancesRequest.decode(request);
    const balances = balancesOf(ctx.store, address);
    return QuerySpendableBalancesResponse.encode({ balances, pagination: pageOf(balances.length) }).finish();
  },
  "/cosmos.bank.v1beta1.Query/SupplyOf": (request, ctx) => {
    const { denom } = QuerySupplyOfRequest.decode(request);
    requireDenom(denom);
    return QuerySupplyOfResponse.encode({
      amount: { denom, amount: Bank.supply(ctx.store, denom).toString() },
    }).finish();
  },
  "/cosmos.bank.v1beta1.Query/TotalSupply": (_request, ctx) => {
    const supply = ctx.store
      .entries("bank/supply/")
      .map(([key, amount]) => ({ denom: key.slice("bank/supply/".length), amount: amount as string }));
    return QueryTotalSupplyResponse.encode({ supply, pagination: pageOf(supply.length) }).finish();
  },
};

function handleSend(value: Uint8Array, ctx: TxContext): Uint8Array {
  const msg = MsgSend.decode(value);
  const fromError = addressError(msg.fromAddress);
  if (fromError) throw sdkError(SdkErrors.InvalidAddress, `invalid from address: ${fromError}`);
  const toError = addressError(msg.toAddress);
  if (toError) throw sdkError(SdkErrors.InvalidAddress, `invalid to address: ${toError}`);
  const coins = parseCoins(msg.amount);
  if (!coins || !coinsValid(coins)) throw sdkError(SdkErrors.InvalidCoins, coinsStringRaw(msg.amount));
  if (coins.length === 0) throw sdkError(SdkErrors.InvalidCoins, "");
  const recipient = Auth.get(ctx.store, msg.toAddress);
  if (recipient?.mod) {
    throw sdkError(SdkErrors.Unauthorized, `${msg.toAddress} is not allowed to receive funds`);
  }
  Bank.send(ctx.store, msg.fromAddress, msg.toAddress, coins, ctx.emit);
  return MsgSendResponse.encode({}).finish();
}

const coinsStringRaw = (coins: ReadonlyArray<{ denom: string; amount: string }>): string =>
  coins.map((c) => `${c.amount}${c.denom}`).join(",");

/** `x/auth` + `x/bank` as a module of the core: their queries and `MsgSend`. */
export const authBankModule: ChainModule = {
  name: "bank",
  queries,
  messages: { "/cosmos.bank.v1beta1.MsgSend": handleSend },
};
