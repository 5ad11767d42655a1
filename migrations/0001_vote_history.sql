-- Vote history: one row per finalized grid height, and one per finality provider that had voting power at it (or
-- voted). Written by each chain's coordinator when a grid height settles; read by the participation endpoints.
-- Kept HISTORY_RETENTION_DAYS (README "Vote history").

CREATE TABLE grid_heights (
  chain TEXT NOT NULL,
  height INTEGER NOT NULL,
  hash TEXT NOT NULL,
  -- L2 block time and when the edge proved the block finalized (unix seconds).
  timestamp INTEGER NOT NULL,
  finalized_at INTEGER NOT NULL,
  btc_height INTEGER NOT NULL,
  -- Satoshis; below 2^53 for any real stake (21M BTC is 2.1e15 sat).
  voted_power INTEGER NOT NULL,
  total_power INTEGER NOT NULL,
  recorded_at INTEGER NOT NULL,
  PRIMARY KEY (chain, height)
) WITHOUT ROWID;

CREATE INDEX grid_heights_finalized_at ON grid_heights (chain, finalized_at);

-- vote: 1 voted (before the height settled), 2 voted late (landed through the edge after it settled),
-- 0 missed, 3 equivocated (signed another block at this height too).
CREATE TABLE fp_votes (
  chain TEXT NOT NULL,
  fp TEXT NOT NULL,
  height INTEGER NOT NULL,
  power INTEGER NOT NULL,
  vote INTEGER NOT NULL CHECK (vote IN (0, 1, 2, 3)),
  PRIMARY KEY (chain, fp, height)
) WITHOUT ROWID;

CREATE INDEX fp_votes_by_height ON fp_votes (chain, height);
