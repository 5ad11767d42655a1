// The baseline of the read-API throughput bench: the least a Worker can do under the same `wrangler dev`.
export default {
  fetch: () => new Response("hello world", { headers: { "content-type": "text/plain" } }),
};
