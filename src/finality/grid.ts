/** @module Grid arithmetic: grid heights are `A + k·I`, k ≥ 0. */
import { InvalidFinalityConfigError } from "./errors.ts";
import { DEFAULT_MAX_GRID_STEPS, DEFAULT_QUORUM, type FinalityConfig, type QuorumRatio } from "./types.ts";

export type ResolvedConfig = {
  readonly activationHeight: bigint;
  readonly interval: bigint;
  readonly quorum: QuorumRatio;
  readonly maxGridSteps: number;
};

/** Applies defaults and rejects configs that define no rule. */
export function resolveConfig(config: FinalityConfig): ResolvedConfig {
  const quorum = config.quorum ?? DEFAULT_QUORUM;
  const maxGridSteps = config.maxGridSteps ?? DEFAULT_MAX_GRID_STEPS;
  if (config.activationHeight < 0n)
    throw new InvalidFinalityConfigError("Activation height must not be negative", {
      field: "activationHeight",
    });
  if (config.interval < 1n)
    throw new InvalidFinalityConfigError("Signature interval must be at least 1", { field: "interval" });
  if (quorum.denominator <= 0n || quorum.numerator <= 0n || quorum.numerator > quorum.denominator)
    throw new InvalidFinalityConfigError("Quorum must be a fraction in (0, 1]", { field: "quorum" });
  if (!Number.isSafeInteger(maxGridSteps) || maxGridSteps < 1)
    throw new InvalidFinalityConfigError("maxGridSteps must be a positive integer", {
      field: "maxGridSteps",
    });
  return { activationHeight: config.activationHeight, interval: config.interval, quorum, maxGridSteps };
}

/** The first grid height at or above `height` (`height ≥ A`). */
export function nextGridHeight(config: ResolvedConfig, height: bigint): bigint {
  const offset = (height - config.activationHeight) % config.interval;
  return offset === 0n ? height : height + (config.interval - offset);
}
