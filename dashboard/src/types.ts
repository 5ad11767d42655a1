/**
 * @module The API's JSON shapes the page reads (only the fields it uses are required to be there). Types only, so
 * the fake API of the page's test (test/dashboard/fake-api.ts) can answer in exactly these shapes.
 */

export type BlockRef = { number: number; hash: string; timestamp: number };

export type ContractInfo = { bsnId: string; activationHeight: number; interval: number };

export type ChainInfo = {
  id: string;
  babylonChainId: string;
  contractAddress: string;
  quorum: { numerator: number; denominator: number };
  contract: ContractInfo | null;
};

export type ChainsAnswer = { chains: ChainInfo[] };

export type ChainStatus = {
  chain: string;
  contract: ContractInfo;
  l2Head: BlockRef;
  finalizedTip: BlockRef | null;
  lag: { blocks: number; seconds: number } | null;
  activation: { height: number; btcStakingActivatedAt: number | null; btcHeight: number | null };
  fpCount: number;
  /** Satoshis, as a decimal string. */
  totalPower: string;
  lastTipUpdate: number | null;
};

export type ProviderRow = {
  fpBtcPk: string;
  power: string;
  slashed: boolean;
  lastVotedHeight: number | null;
  recentVotes: { window: number; count: number };
};

export type ProvidersAnswer = {
  chain: string;
  bsnId: string;
  btcHeight: number;
  totalPower: string;
  l2Head: BlockRef;
  gridHeights: number[];
  providers: ProviderRow[];
};

export type SubmissionMetrics = {
  chain: string;
  accepted: { commit: number; vote: number };
  duplicates: number;
  equivocations: number;
  refused: Record<string, number>;
  submitted: number;
  transactions: number;
  batchSizes: Record<string, number>;
  txFailures: number;
  failed: number;
  retries: number;
  since: number;
};

export type Vote = "voted" | "late" | "missed" | "equivocated";
export const VOTES: readonly Vote[] = ["voted", "late", "missed", "equivocated"];

export type VoteRow = { fpBtcPk: string; power: string; vote: Vote };

export type VoteHeight = {
  block: { number: number; hash: string };
  timestamp: number;
  finalizedAt: number | null;
  btcHeight: number;
  votedPower: string;
  totalPower: string;
  votes: VoteRow[];
};

export type VoteHistory = { chain: string; recordedTo: number | null; heights: VoteHeight[] };

/** `timestamp`: block time (when it was the head); `finalizedAt`: when the edge proved it finalized. */
export type LagPoint = { number: number; timestamp: number; finalizedAt: number };

export type LagHistory = { chain: string; points: LagPoint[] };

export type FinalizedEvent = BlockRef;

export type EquivocationEvent = {
  fpBtcPkHex: string;
  height: number;
  source: "edge" | "babylon";
  submissionId?: string;
};

export type SlashedEvent = { fpBtcPkHex: string; babylonHeight: number | null; btcHeight: number | null };

export type Problem = {
  type?: string;
  title?: string;
  status?: number;
  code?: string;
  detail?: string;
  field?: string;
};
