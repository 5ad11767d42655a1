/**
 * @module What every answer of the app must look like, whatever was sent: never a 5xx (502/503 only when a
 * fake upstream was told to fail, and then with `Retry-After`), every 4xx an RFC 9457 problem whose `status`
 * is the HTTP status, every 2xx JSON answer parseable, and no submission accepted that writes a field of the
 * contract's message twice.
 */
import type { FuzzRequest } from "./fuzz-requests.ts";

export type Verdict = {
  status: number;
  /** The rule broken, or null. */
  violation: string | null;
  /** The problem's `code`, when the body is one. */
  code: string | null;
  contentType: string | null;
  /** The body as text (cut to 2,000 characters). */
  body: string;
};

const isJsonMedia = (media: string) => media === "application/json" || media.endsWith("+json");

function problemShapeError(value: unknown, status: number): string | null {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return "is not an object";
  const p = value as Record<string, unknown>;
  for (const key of ["type", "title", "code"]) {
    if (typeof p[key] !== "string") return `has no string "${key}"`;
  }
  if (typeof p.status !== "number") return 'has no numeric "status"';
  if (p.status !== status) return `says status ${String(p.status)}`;
  return null;
}

export async function judge(spec: FuzzRequest, res: Response): Promise<Verdict> {
  const status = res.status;
  const contentType = res.headers.get("content-type");
  const media = (contentType ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
  // An event stream never ends by itself: its first bytes are what can be judged (a 200 stream is an answer).
  if (status === 200 && media === "text/event-stream") {
    await res.body?.cancel();
    return { status, violation: null, code: null, contentType, body: "" };
  }
  const text = await res.text();
  // HEAD answers are GET answers without a body: only the headers can be checked.
  const head = spec.method === "HEAD";
  let parsed: unknown;
  let parses = false;
  try {
    parsed = JSON.parse(text);
    parses = true;
  } catch {
    // Judged below, where it matters.
  }
  const code =
    parses &&
    typeof parsed === "object" &&
    parsed !== null &&
    typeof (parsed as { code?: unknown }).code === "string"
      ? ((parsed as { code: string }).code ?? null)
      : null;
  const verdict = (violation: string | null): Verdict => ({
    status,
    violation,
    code,
    contentType,
    body: text.length > 2000 ? `${text.slice(0, 2000)}…` : text,
  });

  if (status >= 500) {
    const upstream = spec.fault !== "none" && (status === 502 || status === 503);
    // The same bug answers the same 500 with or without a fault: one class, the fault is in the report.
    if (!upstream) return verdict("unexpected 5xx");
    if (!res.headers.get("retry-after")) return verdict("upstream 5xx without Retry-After");
    if (!head && !parses) return verdict("upstream 5xx body is not JSON");
    if (!head && media === "application/problem+json") {
      const shape = problemShapeError(parsed, status);
      if (shape) return verdict(`upstream 5xx problem ${shape}`);
    }
    return verdict(null);
  }
  if (status >= 400) {
    if (media !== "application/problem+json") return verdict("4xx is not application/problem+json");
    if (head) return verdict(null);
    if (!parses) return verdict("4xx body is not JSON");
    const shape = problemShapeError(parsed, status);
    return verdict(shape ? `4xx problem ${shape}` : null);
  }
  if (status < 300 && spec.method === "POST" && spec.body.kind === "text" && spec.body.repeatsContractField) {
    return verdict("a submission writing a contract field twice was accepted (serde refuses it)");
  }
  if (status >= 200 && status < 300 && !head && isJsonMedia(media) && !parses) {
    return verdict("2xx JSON answer does not parse");
  }
  return verdict(null);
}
