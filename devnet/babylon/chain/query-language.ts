/**
 * @module CometBFT's event query language (`libs/pubsub/query`) as `tx_search` and `block_search`
 * use it: conditions joined by AND; operators =, <, <=, >, >=, CONTAINS, EXISTS; values quoted
 * strings or numbers. A condition holds for a tx when any of its events' `type.key` attributes does.
 */

export type Condition = {
  key: string;
  op: "=" | "<" | "<=" | ">" | ">=" | "CONTAINS" | "EXISTS";
  /** String value (quoted in the query) or number. */
  value?: string | number;
};

export class QueryParseError extends Error {
  override name = "QueryParseError";
}

const OPERATORS = ["<=", ">=", "=", "<", ">"] as const;

/** Parses `tx.height=5 AND message.sender='bbn1…'`. */
export function parseQuery(query: string): Condition[] {
  const conditions: Condition[] = [];
  let rest = query.trim();
  if (rest === "") throw new QueryParseError("query cannot be empty");
  for (;;) {
    const keyMatch = /^([A-Za-z_][\w.\-/:]*)\s*/.exec(rest);
    if (!keyMatch) throw new QueryParseError(`parse error near ${JSON.stringify(rest)}`);
    const key = keyMatch[1] as string;
    rest = rest.slice(keyMatch[0].length);
    let condition: Condition;
    if (/^EXISTS\b/.test(rest)) {
      condition = { key, op: "EXISTS" };
      rest = rest.slice("EXISTS".length);
    } else {
      let op: Condition["op"] | undefined;
      if (/^CONTAINS\b/.test(rest)) op = "CONTAINS";
      else op = OPERATORS.find((o) => rest.startsWith(o));
      if (!op) throw new QueryParseError(`parse error near ${JSON.stringify(rest)}`);
      rest = rest.slice(op.length).trimStart();
      let value: string | number;
      const quoted = /^'([^']*)'/.exec(rest);
      if (quoted) {
        value = quoted[1] as string;
        rest = rest.slice(quoted[0].length);
      } else {
        const number = /^-?\d+(\.\d+)?/.exec(rest);
        if (!number) throw new QueryParseError(`parse error near ${JSON.stringify(rest)}`);
        value = Number(number[0]);
        rest = rest.slice(number[0].length);
      }
      condition = { key, op, value };
    }
    conditions.push(condition);
    rest = rest.trimStart();
    if (rest === "") return conditions;
    const and = /^AND\s+/.exec(rest);
    if (!and) throw new QueryParseError(`parse error near ${JSON.stringify(rest)}`);
    rest = rest.slice(and[0].length);
  }
}

function compare(actual: string, condition: Condition): boolean {
  const { op, value } = condition;
  if (op === "EXISTS") return true;
  if (op === "CONTAINS") return typeof value === "string" && actual.includes(value);
  if (typeof value === "string") return op === "=" && actual === value;
  const number = Number(actual);
  if (actual.trim() === "" || Number.isNaN(number)) return false;
  switch (op) {
    case "=":
      return number === value;
    case "<":
      return number < (value as number);
    case "<=":
      return number <= (value as number);
    case ">":
      return number > (value as number);
    case ">=":
      return number >= (value as number);
  }
}

/** Whether all conditions hold for attributes given as composite key → values. */
export function matches(
  conditions: readonly Condition[],
  attributes: (key: string) => readonly string[],
): boolean {
  return conditions.every((condition) =>
    attributes(condition.key).some((value) => compare(value, condition)),
  );
}
