/**
 * @module The operator dashboard: every chain's summary card, and the detail of the selected one. Data comes
 * from the same origin: `status` every 3 s and `finality-providers` every 10 s for every chain, plus its
 * `finalized` event stream (the tip moves the moment it is proved); for the selected chain also `lag-history`
 * once, `vote-history` and `submission-metrics` every 10 s and its equivocation/slashing stream (history from 0,
 * then live). Polls revalidate with ETags. Any failure goes to the status line: nothing is thrown uncaught.
 */
import { type Api, ApiError, createApi, describeError } from "./api.ts";
import { createCards } from "./cards.ts";
import {
  applyFinalized,
  applyProviders,
  applyStatus,
  type ChainState,
  emptyChainState,
} from "./chain-state.ts";
import { createDetail } from "./detail.ts";
import { byId } from "./dom.ts";
import { nowSeconds } from "./format.ts";
import { openStream, type Stream } from "./sse.ts";
import { createStatusLine, type StatusLine } from "./status-line.ts";
import type {
  ChainInfo,
  ChainStatus,
  ChainsAnswer,
  EquivocationEvent,
  FinalizedEvent,
  LagHistory,
  ProvidersAnswer,
  SlashedEvent,
  SubmissionMetrics,
  VoteHistory,
} from "./types.ts";

const STATUS_MS = 3_000;
const DETAIL_MS = 10_000;
const CHAINS_RETRY_MS = 5_000;

const chainPath = (chain: string, rest: string) => `/v1/chains/${encodeURIComponent(chain)}/${rest}`;

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

/** Runs `task` now and again `ms` after each run ends (never two at once); its failures go to the status line. */
function every(ms: number, source: string, status: StatusLine, task: () => Promise<void>): void {
  const run = async () => {
    try {
      await task();
      status.ok(source);
    } catch (error) {
      status.fail(source, describeError(error));
    }
    setTimeout(run, ms);
  };
  void run();
}

async function loadChains(api: Api, status: StatusLine): Promise<ChainInfo[]> {
  for (;;) {
    try {
      const { data } = await api.get<ChainsAnswer>("/v1/chains");
      status.ok("chains");
      return data.chains;
    } catch (error) {
      status.fail("chains", `${describeError(error)} (retrying)`);
      await sleep(CHAINS_RETRY_MS);
    }
  }
}

async function main(status: StatusLine): Promise<void> {
  const api = createApi();
  const chains = await loadChains(api, status);
  if (chains.length === 0) {
    status.fail("chains", "the edge serves no chains");
    return;
  }
  const states = new Map<string, ChainState>(chains.map((c) => [c.id, emptyChainState(c.id)]));
  const detail = createDetail();
  let selected: string | null = null;
  let eventStream: Stream | null = null;

  const cards = createCards(byId("cards"), chains, (id) => select(id));
  for (const state of states.values()) cards.render(state);

  const onTip = (state: ChainState, at: number) => {
    cards.render(state);
    if (state.id === selected && state.tip) detail.tip(at, state.tip.number, state.tip.timestamp);
  };

  for (const chain of chains) {
    const state = states.get(chain.id) as ChainState;
    every(STATUS_MS, `status:${chain.id}`, status, async () => {
      const { data, changed } = await api.get<ChainStatus>(chainPath(chain.id, "status"));
      if (!changed) return;
      const moved = applyStatus(state, data);
      cards.render(state);
      if (chain.id === selected) detail.head(data.l2Head.timestamp, data.l2Head.number);
      if (moved) onTip(state, data.lastTipUpdate ?? nowSeconds());
    });
    every(DETAIL_MS, `providers:${chain.id}`, status, async () => {
      const { data, changed } = await api.get<ProvidersAnswer>(
        chainPath(chain.id, "finality-providers?window=20"),
      );
      if (!changed) return;
      applyProviders(state, data);
      cards.render(state);
      if (chain.id === selected) detail.providers(data);
    });
    // Live only (no `from`): the tip's past is in `status` and `lag-history`.
    openStream(chainPath(chain.id, "events?types=finalized"), {
      on: {
        finalized: (data) => {
          if (applyFinalized(state, data as FinalizedEvent)) onTip(state, nowSeconds());
        },
      },
      onState: (streamState, detailText) => {
        // While the stream is down (reconnecting or given up), the 3 s status poll is what moves the tip.
        if (streamState !== "connecting") state.live = streamState === "open" ? "sse" : "polling";
        cards.render(state);
        const source = `stream:${chain.id}`;
        if (detailText) status.fail(source, detailText);
        else if (streamState === "open") status.ok(source);
      },
    });
  }

  /** The selected chain's 10 s data; `force` renders even an unchanged (304) answer, for a freshly shown panel. */
  const refreshDetail = async (chain: string, force: boolean) => {
    const tasks: [string, () => Promise<void>][] = [
      [
        "vote-history",
        async () => {
          try {
            const { data, changed } = await api.get<VoteHistory>(chainPath(chain, "vote-history"));
            if ((changed || force) && selected === chain) detail.history(data);
          } catch (error) {
            if (error instanceof ApiError && error.unavailable && selected === chain) {
              detail.historyUnavailable(describeError(error));
            }
            throw error;
          }
        },
      ],
      [
        "submission-metrics",
        async () => {
          const { data, changed } = await api.get<SubmissionMetrics>(chainPath(chain, "submission-metrics"));
          if ((changed || force) && selected === chain) detail.metrics(data);
        },
      ],
    ];
    await Promise.all(
      tasks.map(async ([name, task]) => {
        const source = `${name}:${chain}`;
        try {
          await task();
          status.ok(source);
        } catch (error) {
          status.fail(source, describeError(error));
        }
      }),
    );
  };

  const loadLagHistory = async (chain: string) => {
    const source = `lag-history:${chain}`;
    try {
      const { data } = await api.get<LagHistory>(chainPath(chain, "lag-history?minutes=60"));
      if (selected !== chain) return;
      detail.lagHistory(data.points);
      // Points that arrived while the history loaded.
      const state = states.get(chain);
      if (state?.head) detail.head(state.head.timestamp, state.head.number);
      status.ok(source);
    } catch (error) {
      if (selected === chain) detail.lagHistoryUnavailable(describeError(error));
      status.fail(source, describeError(error));
    }
  };

  function select(id: string): void {
    if (id === selected || !states.has(id)) return;
    selected = id;
    cards.markSelected(id);
    detail.show(id, states.get(id)?.providers ?? null);
    if (location.hash !== `#${id}`) history.replaceState(null, "", `#${encodeURIComponent(id)}`);
    eventStream?.close();
    // From 0: the logged history first, then live ones, on one connection.
    eventStream = openStream(chainPath(id, "events?types=equivocation,slashed&from=0"), {
      on: {
        equivocation: (data, eventId) => detail.events.equivocation(data as EquivocationEvent, eventId),
        slashed: (data, eventId) => detail.events.slashed(data as SlashedEvent, eventId),
        resync: () => detail.events.truncated(),
      },
      onState: (streamState, detailText) => {
        const source = `events:${id}`;
        if (detailText) status.fail(source, detailText);
        else if (streamState === "open") status.ok(source);
      },
    });
    void loadLagHistory(id);
    void refreshDetail(id, true);
  }

  every(DETAIL_MS, "detail", status, async () => {
    if (selected) await refreshDetail(selected, false);
  });

  const fromHash = decodeURIComponent(location.hash.slice(1));
  select(states.has(fromHash) ? fromHash : (chains[0] as ChainInfo).id);
  addEventListener("hashchange", () => select(decodeURIComponent(location.hash.slice(1))));
}

const status = createStatusLine(byId("status-line"), byId("updated"));
main(status).catch((error: unknown) => status.fail("page", describeError(error)));
