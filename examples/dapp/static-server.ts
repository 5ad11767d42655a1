/**
 * @module A static file server for the built dApp, on 127.0.0.1 only. A port in use is an error (never another
 * port picked silently); port 0 takes a free one. GET/HEAD of files under the root, nothing else.
 */
import { readFile } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { extname, join, normalize, resolve, sep } from "node:path";

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".map": "application/json",
  ".css": "text/css; charset=utf-8",
  ".png": "image/png",
};

export type StaticServer = { url: string; close(): Promise<void> };

export async function startStaticServer(root: string, port: number): Promise<StaticServer> {
  const base = resolve(root);
  const server = createServer(async (req, res) => {
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { allow: "GET, HEAD" }).end();
      return;
    }
    try {
      const path = decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname);
      const file = normalize(join(base, path === "/" ? "index.html" : path));
      if (!file.startsWith(base + sep)) throw new Error("outside the root");
      const body = await readFile(file);
      // The bundle is rebuilt in place: never let the browser keep an old one.
      const type = TYPES[extname(file)] ?? "application/octet-stream";
      res.writeHead(200, { "content-type": type, "cache-control": "no-store" });
      res.end(req.method === "HEAD" ? undefined : body);
    } catch {
      res.writeHead(404, { "content-type": "text/plain" }).end("not found\n");
    }
  });
  await new Promise<void>((ok, fail) => {
    server.once("error", (error: NodeJS.ErrnoException) =>
      fail(
        error.code === "EADDRINUSE" ? new Error(`127.0.0.1:${port} is in use: pick another --port`) : error,
      ),
    );
    server.listen(port, "127.0.0.1", () => ok());
  });
  const { port: bound } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${bound}`,
    close: () =>
      new Promise((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}
