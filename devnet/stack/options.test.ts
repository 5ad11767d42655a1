import { describe, expect, it } from "vitest";
import { HELP, OptionsError, parseStackOptions } from "./options.ts";

describe("npm start options", () => {
  it("takes defaults, then environment variables, then flags", () => {
    const defaults = parseStackOptions([], {});
    expect(defaults).toMatchObject({
      ports: { edge: 8787, babylon: 26657, l2a: 8545, l2b: 8546 },
      timing: { l2BlockSeconds: 1, cronSeconds: 2 },
      scenarios: [],
      fresh: false,
    });
    const fromEnv = parseStackOptions([], { EDGE_PORT: "9000", L2_BLOCK_TIME: "2" });
    expect(fromEnv).toMatchObject({ ports: { edge: 9000 }, timing: { l2BlockSeconds: 2 } });
    const fromFlags = parseStackOptions(["--edge-port", "9100", "--fresh"], { EDGE_PORT: "9000" });
    expect(fromFlags).toMatchObject({ ports: { edge: 9100 }, fresh: true });
  });

  it("parses scenarios", () => {
    const options = parseStackOptions(
      [
        "--offline",
        "edge-devnet-l2:fp-1:30:20",
        "--equivocate",
        "edge-devnet-l2b:fp-b4:60",
        "--reorg",
        "edge-devnet-l2:3:90",
      ],
      {},
    );
    expect(options !== "help" && options.scenarios).toEqual([
      { kind: "offline", chain: "edge-devnet-l2", fp: "fp-1", atSec: 30, forSec: 20 },
      { kind: "equivocate", chain: "edge-devnet-l2b", fp: "fp-b4", atSec: 60 },
      { kind: "reorg", chain: "edge-devnet-l2", depth: 3, atSec: 90 },
    ]);
  });

  it("answers --help, and refuses unknown flags, bad numbers and malformed scenarios by name", () => {
    expect(parseStackOptions(["--help"], {})).toBe("help");
    expect(HELP).toContain("--l2-block-time");
    expect(() => parseStackOptions(["--nope", "1"], {})).toThrow(/unknown option --nope/);
    expect(() => parseStackOptions(["--edge-port", "70000"], {})).toThrow(OptionsError);
    expect(() => parseStackOptions(["--l2-block-time", "0"], {})).toThrow(/--l2-block-time 0/);
    expect(() => parseStackOptions(["--offline", "edge-devnet-l2:fp-1"], {})).toThrow(/--offline/);
    expect(() => parseStackOptions(["--edge-port"], {})).toThrow(/expected --name value/);
  });
});
