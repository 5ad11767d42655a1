// Unit tests in Node: pure library code (crypto, provider signer, rules), tests beside their source.
import { existsSync, readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { defineConfig, type Plugin } from "vitest/config";

const SOURCE_MAP_URL = /\n\/\/# sourceMappingURL=(\S+)\s*$/;

/**
 * Dependencies that publish `.js.map` files naming sources they do not ship (babylon-proto-ts' and CosmJS's maps
 * point at `../src/*.ts`): Vite would read each such map and warn "Sourcemap for … points to missing source
 * files", once per file. This loads those files without their map reference, so Vite never reads the broken map;
 * stack frames in them show the shipped JavaScript, which is all there is. Files whose maps are whole (every
 * source present or embedded) are left to Vite.
 */
export function dependencySourcemapsWithoutSources(): Plugin {
  return {
    name: "finality-edge:dependency-sourcemaps-without-sources",
    load(id) {
      const file = id.split("?")[0] as string;
      if (!file.includes("/node_modules/") || !/\.[cm]?js$/.test(file) || !existsSync(file)) return null;
      const code = readFileSync(file, "utf8");
      const reference = SOURCE_MAP_URL.exec(code)?.[1];
      if (!reference || reference.startsWith("data:")) return null;
      let map: { sourceRoot?: string; sources?: (string | null)[]; sourcesContent?: (string | null)[] };
      try {
        map = JSON.parse(readFileSync(resolve(dirname(file), decodeURI(reference)), "utf8"));
      } catch {
        return null;
      }
      const root = resolve(dirname(file), map.sourceRoot ?? "");
      const missing = (map.sources ?? []).some(
        (source, i) => source && map.sourcesContent?.[i] == null && !existsSync(resolve(root, source)),
      );
      return missing ? { code: code.replace(SOURCE_MAP_URL, "\n"), map: null } : null;
    },
  };
}

export default defineConfig({
  plugins: [dependencySourcemapsWithoutSources()],
  test: {
    include: [
      "src/**/*.test.ts",
      "sdk/src/**/*.test.ts",
      "devnet/**/*.test.ts",
      "fp-daemon/**/*.test.ts",
      "gadget/**/*.test.ts",
      "test/unit/**/*.test.ts",
      "test/devnet/**/*.test.ts",
      "test/dashboard/**/*.test.ts",
    ],
    environment: "node",
    testTimeout: 60_000,
    // babylon-proto-ts ships ESM with extensionless relative imports, which Node's resolver refuses:
    // let Vite resolve and transform it instead of importing it natively.
    server: { deps: { inline: [/@babylonlabs-io\/babylon-proto-ts/] } },
  },
});
