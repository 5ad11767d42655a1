import { describe, expect, it } from "vitest";
import { fieldName, findRepeatedKeys } from "./repeated-keys.ts";

describe("findRepeatedKeys", () => {
  it("finds each repetition after the first, in document order, with its object's path", () => {
    const text = '{"a":1,"b":{"c":[{"d":1,"d":2,"d":3}],"c":0},"a":[],"e":{"a":1}}';
    expect(findRepeatedKeys(text)).toEqual([
      { path: ["b", "c", 0], key: "d" },
      { path: ["b", "c", 0], key: "d" },
      { path: ["b"], key: "c" },
      { path: [], key: "a" },
    ]);
  });

  it("is not fooled by strings: quotes, escapes, braces and commas inside them", () => {
    const text = '{"k":"a\\",\\"k\\":{","x":["{\\"k\\":1,\\"k\\":2}",","],"y":"\\\\"}';
    expect(JSON.parse(text)).toBeTypeOf("object");
    expect(findRepeatedKeys(text)).toEqual([]);
    // An escaped spelling names the same key.
    expect(findRepeatedKeys('{"key":1,"k\\u0065y":2}')).toEqual([{ path: [], key: "key" }]);
  });

  it("tracks array indexes across nested values and whitespace", () => {
    const text = ' [ {"a":[1,{"z":1}]} , { "a" : 1 , "a" : 2 } , [ {"q":1,"q":1} ] ] ';
    expect(findRepeatedKeys(text)).toEqual([
      { path: [1], key: "a" },
      { path: [2, 0], key: "q" },
    ]);
  });

  it("ends on text that is not JSON (an unterminated string) instead of scanning past it", () => {
    expect(findRepeatedKeys('{"a":1,"a":"unterminated')).toEqual([{ path: [], key: "a" }]);
    expect(findRepeatedKeys('{"a\\')).toEqual([]);
  });

  it("names fields the way problem details do", () => {
    expect(fieldName([], "a")).toBe("a");
    expect(fieldName([3, "proof"], "total")).toBe("[3].proof.total");
    expect(fieldName(["blocks", 0], "hash")).toBe("blocks[0].hash");
  });
});
