/**
 * @module Keys written more than once in one JSON object. `JSON.parse` keeps the last value silently; a body
 * whose meaning depends on which copy a reader keeps is ambiguous (and the contract's serde refuses a known
 * field written twice), so the body reader reports them. One linear scan over text `JSON.parse` accepted.
 */

/** One repeated key: where its object sits (keys and array indexes from the document's root) and the key. */
export type RepeatedKey = { readonly path: readonly (string | number)[]; readonly key: string };

type Frame = { readonly keys?: Set<string>; index: number; key?: string };

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** Every repeated key of a valid JSON text, in document order (each occurrence after the first). */
export function findRepeatedKeys(text: string): RepeatedKey[] {
  const found: RepeatedKey[] = [];
  const stack: Frame[] = [];
  let keyNext = false;
  for (let i = 0; i < text.length; i++) {
    const char = text.charCodeAt(i);
    if (char === QUOTE) {
      let end = i + 1;
      let escaped = false;
      // Bounded by the text's end: the scan must terminate even on text JSON.parse would refuse.
      while (end < text.length && text.charCodeAt(end) !== QUOTE) {
        if (text.charCodeAt(end) === BACKSLASH) {
          escaped = true;
          end++;
        }
        end++;
      }
      if (end >= text.length) break; // an unterminated string ends the text
      const top = stack[stack.length - 1];
      if (keyNext && top?.keys) {
        // `"\u0061"` and `"a"` are the same key.
        const key = escaped ? (JSON.parse(text.slice(i, end + 1)) as string) : text.slice(i + 1, end);
        if (top.keys.has(key)) found.push({ path: pathOf(stack), key });
        else top.keys.add(key);
        top.key = key;
        keyNext = false;
      }
      i = end;
    } else if (char === 0x7b /* { */) {
      stack.push({ keys: new Set(), index: 0 });
      keyNext = true;
    } else if (char === 0x5b /* [ */) {
      stack.push({ index: 0 });
    } else if (char === 0x7d /* } */ || char === 0x5d /* ] */) {
      stack.pop();
      keyNext = false;
    } else if (char === 0x2c /* , */) {
      const top = stack[stack.length - 1];
      if (top?.keys) keyNext = true;
      else if (top) top.index++;
    }
  }
  return found;
}

/** The path of the innermost object: each enclosing container's current key or index. */
function pathOf(stack: readonly Frame[]): (string | number)[] {
  return stack.slice(0, -1).map((frame) => (frame.keys ? (frame.key as string) : frame.index));
}

/** `blocks[2].hash`-style name of a key at a path. */
export function fieldName(path: readonly (string | number)[], key: string): string {
  let name = "";
  for (const part of path) name += typeof part === "number" ? `[${part}]` : name ? `.${part}` : part;
  return name ? `${name}.${key}` : key;
}
