/**
 * Reads `count` events of a chain's event stream from the edge (real HTTP over loopback, the SDK's SSE parser),
 * then disconnects. Resumes from `lastEventId` when given.
 */
import { createSseParser, type SseMessage } from "../../sdk/src/events/sse-parser.ts";

export async function readChainEvents(
  edgeUrl: string,
  chain: string,
  count: number,
  options: { from?: number; lastEventId?: string; types?: string; timeoutMs: number },
): Promise<SseMessage[]> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), options.timeoutMs);
  const params = new URLSearchParams();
  if (options.from !== undefined) params.set("from", String(options.from));
  if (options.types !== undefined) params.set("types", options.types);
  const query = params.size > 0 ? `?${params}` : "";
  const res = await fetch(`${edgeUrl}/v1/chains/${chain}/events${query}`, {
    headers: {
      accept: "text/event-stream",
      ...(options.lastEventId ? { "last-event-id": options.lastEventId } : {}),
    },
    signal: controller.signal,
  });
  if (!res.ok || !res.body) throw new Error(`events of ${chain}: HTTP ${res.status}`);
  const events: SseMessage[] = [];
  const parser = createSseParser({ onMessage: (m) => void events.push(m) });
  const reader = res.body.getReader();
  try {
    while (events.length < count) {
      const { done, value } = await reader.read();
      if (done) break;
      parser.push(value);
    }
  } finally {
    clearTimeout(timer);
    controller.abort();
    await reader.cancel().catch(() => undefined);
  }
  return events.slice(0, count);
}
