/**
 * @module JSON as the contract sees it. wasmd hands the contract raw JSON bytes and serde reads
 * u64s exactly, so integers beyond 2^53 must not go through a JS double: this parser keeps them as
 * `bigint`. A number written with a fraction or exponent is kept as {@link JsonNonInteger} so the
 * message decoder can refuse it where serde would (serde-json-wasm only reads digit runs for ints).
 * An object whose keys repeat keeps every member, in document order, under {@link membersOf}: the
 * plain properties hold the last value (as `JSON.parse` would), but serde reads the members one by one
 * and refuses the second occurrence of a field it knows.
 */

/** A JSON number literal with a fraction or exponent (`1.5`, `1e3`, `2.0`). */
export class JsonNonInteger {
  readonly source: string;
  constructor(source: string) {
    this.source = source;
  }
}

/** A parsed JSON value: integers are `number` when safe, else `bigint`. */
export type ContractJson =
  | null
  | boolean
  | number
  | bigint
  | string
  | JsonNonInteger
  | ContractJson[]
  | { [key: string]: ContractJson };

const REPEATED_MEMBERS = Symbol("repeated members");

type ObjectWithMembers = { [key: string]: ContractJson; [REPEATED_MEMBERS]?: [string, ContractJson][] };

/**
 * An object's members in document order, repeated keys included (each with the value written there).
 * Objects without repeated keys (and those built in code) answer `Object.entries`.
 */
export function membersOf(object: { readonly [key: string]: unknown }): [string, unknown][] {
  return (object as ObjectWithMembers)[REPEATED_MEMBERS] ?? Object.entries(object);
}

/** Malformed JSON (wasmd refuses such a payload before the contract runs). */
export class JsonSyntaxError extends SyntaxError {
  override name = "JsonSyntaxError";
}

const WHITESPACE = new Set([" ", "\t", "\n", "\r"]);
const INTEGER = /^-?(?:0|[1-9][0-9]*)$/;
const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;

/** Parses RFC 8259 JSON text (or UTF-8 bytes) keeping big integers exact. */
export function parseContractJson(input: string | Uint8Array): ContractJson {
  const text = typeof input === "string" ? input : new TextDecoder("utf-8", { fatal: true }).decode(input);
  let pos = 0;

  const fail = (what: string): never => {
    throw new JsonSyntaxError(`${what} at position ${pos}`);
  };
  const skip = () => {
    while (pos < text.length && WHITESPACE.has(text[pos] as string)) pos++;
  };
  const expect = (char: string) => {
    if (text[pos] !== char) fail(`expected '${char}'`);
    pos++;
  };

  function parseString(): string {
    const start = pos;
    expect('"');
    // Let the built-in parser handle escapes once the literal's extent is known.
    while (pos < text.length && text[pos] !== '"') {
      const code = text.charCodeAt(pos);
      if (code < 0x20) fail("control character in string");
      pos += text[pos] === "\\" ? 2 : 1;
    }
    expect('"');
    try {
      return JSON.parse(text.slice(start, pos)) as string;
    } catch {
      return fail("invalid string literal");
    }
  }

  function parseNumber(): number | bigint | JsonNonInteger {
    NUMBER.lastIndex = pos;
    const match = NUMBER.exec(text);
    if (match === null || match[0] === "" || match[0] === "-") return fail("invalid number");
    const literal = match[0];
    pos += literal.length;
    if (!INTEGER.test(literal)) return new JsonNonInteger(literal);
    const value = Number(literal);
    return Number.isSafeInteger(value) ? value : BigInt(literal);
  }

  function parseValue(depth: number): ContractJson {
    if (depth > 256) fail("nesting too deep");
    skip();
    const char = text[pos];
    if (char === "{") {
      pos++;
      const object: ObjectWithMembers = {};
      const members: [string, ContractJson][] = [];
      let repeated = false;
      skip();
      if (text[pos] === "}") {
        pos++;
        return object;
      }
      for (;;) {
        skip();
        const key = parseString();
        skip();
        expect(":");
        const value = parseValue(depth + 1);
        repeated ||= Object.hasOwn(object, key);
        members.push([key, value]);
        // defineProperty: a "__proto__" key must become a plain property.
        Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
        skip();
        if (text[pos] === ",") {
          pos++;
          continue;
        }
        expect("}");
        if (repeated) Object.defineProperty(object, REPEATED_MEMBERS, { value: members, enumerable: false });
        return object;
      }
    }
    if (char === "[") {
      pos++;
      const array: ContractJson[] = [];
      skip();
      if (text[pos] === "]") {
        pos++;
        return array;
      }
      for (;;) {
        array.push(parseValue(depth + 1));
        skip();
        if (text[pos] === ",") {
          pos++;
          continue;
        }
        expect("]");
        return array;
      }
    }
    if (char === '"') return parseString();
    if (char === "-" || (char !== undefined && char >= "0" && char <= "9")) return parseNumber();
    for (const [word, value] of [
      ["true", true],
      ["false", false],
      ["null", null],
    ] as const) {
      if (text.startsWith(word, pos)) {
        pos += word.length;
        return value;
      }
    }
    return fail("unexpected character");
  }

  const value = parseValue(0);
  skip();
  if (pos !== text.length) fail("trailing characters");
  return value;
}

/**
 * Serializes like serde-json-wasm: no whitespace, object keys in insertion order, `bigint` as a
 * plain integer, `undefined` members skipped.
 */
export function stringifyContractJson(value: ContractJson | undefined): string {
  if (value === null || value === undefined) return "null";
  if (typeof value === "bigint") return value.toString();
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new TypeError(`cannot serialize ${value}`);
    return JSON.stringify(value);
  }
  if (typeof value === "string" || typeof value === "boolean") return JSON.stringify(value);
  if (value instanceof JsonNonInteger) return value.source;
  if (Array.isArray(value)) return `[${value.map((item) => stringifyContractJson(item)).join(",")}]`;
  const members: string[] = [];
  for (const [key, member] of Object.entries(value)) {
    if (member === undefined) continue;
    members.push(`${JSON.stringify(key)}:${stringifyContractJson(member)}`);
  }
  return `{${members.join(",")}}`;
}
