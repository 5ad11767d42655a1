/**
 * @module The provider submission API: `POST …/public-randomness`, `POST …/finality-signatures`,
 * `GET …/submissions/{id}`, `GET …/submission-metrics` and `GET …/equivocations/{fpBtcPk}/{height}`.
 * Rate limits and the body limit run before any verification; verification before anything is queued.
 */
import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import type { Context, MiddlewareHandler } from "hono";
import {
  type ContractRuleError,
  duplicateFieldRefusal,
  repeatedVariantRefusal,
} from "../../contract-rules/index.ts";
import { coordinatorStub, submissionBook, viaCoordinator } from "../../coordinator/client.ts";
import { unflushedRefusals } from "../../coordinator/isolate-counters.ts";
import {
  acceptSubmissions,
  MAX_MESSAGES_PER_REQUEST,
  type SubmissionLimits,
} from "../../submission/accept.ts";
import { metricsFromCounters } from "../../submission/metrics.ts";
import type { SubmissionKind } from "../../submission/types.ts";
import { type AppDeps, type AppEnv, registry } from "../context.ts";
import {
  EvidenceNotFoundError,
  InvalidRequestError,
  RateLimitedError,
  SubmissionNotFoundError,
} from "../errors.ts";
import { jsonBody } from "../json-body.ts";
import { ChainParam, problemContent } from "../schemas.ts";
import {
  EvidenceSchema,
  evidenceJson,
  MetricsSchema,
  metricsJson,
  SubmissionSchema,
  submissionJson,
} from "../submission-json.ts";

/** 100 votes with 20-aunt proofs are ~300 KB of JSON. */
export const MAX_BODY_BYTES = 512 * 1024;

const AcceptedSubmissionSchema = z
  .object({
    id: z.string(),
    status: z.enum(["queued", "submitted", "duplicate", "failed"]),
    equivocation: z.boolean(),
  })
  .openapi("AcceptedSubmission");

const AcceptedSchema = z.object({ submissions: z.array(AcceptedSubmissionSchema) }).openapi("Accepted");

const refusals = {
  400: { description: "Malformed message (field and rule named)", content: problemContent },
  403: { description: "FinalityProviderNotAllowed", content: problemContent },
  404: { description: "Unknown chain", content: problemContent },
  413: { description: "Body too large", content: problemContent },
  415: { description: "Content-Type is not application/json", content: problemContent },
  422: {
    description: "The contract would refuse it: `code` is its error name, `detail` its text",
    content: problemContent,
  },
  429: {
    description: "Rate limited (edge) or RateLimitExceeded (the contract's budget)",
    content: problemContent,
  },
  502: { description: "Babylon answered with an error or garbage", content: problemContent },
  503: {
    description: "Babylon or the chain's coordinator is unavailable: nothing was accepted",
    content: problemContent,
  },
};

// A plain schema, not a zod one: the body is read once by `jsonBody` and checked by the contract's rules, so no
// validator of the OpenAPI layer reads or parses it again.
const u64 = { type: "integer" as const, minimum: 0, description: "u64" };
const base64 = { type: "string" as const, contentEncoding: "base64" };
const fpKey = { type: "string" as const, description: "32-byte x-only BTC key, hex" };
/** The contract's execute bodies as documentation (the contract's own rules check them, not a schema validator). */
const MESSAGE_SCHEMAS = {
  commit: {
    type: "object" as const,
    required: ["fp_pubkey_hex", "start_height", "num_pub_rand", "commitment", "signature"],
    properties: {
      fp_pubkey_hex: fpKey,
      start_height: u64,
      num_pub_rand: u64,
      commitment: { ...base64, description: "merkle root of the public randomness (32 bytes)" },
      signature: { ...base64, description: "BIP-340 signature over the commit message (64 bytes)" },
    },
  },
  vote: {
    type: "object" as const,
    required: ["fp_pubkey_hex", "height", "pub_rand", "proof", "block_hash", "signature"],
    properties: {
      fp_pubkey_hex: fpKey,
      height: u64,
      pub_rand: { ...base64, description: "public randomness for this height (32 bytes)" },
      proof: {
        type: "object" as const,
        required: ["total", "index", "leaf_hash", "aunts"],
        properties: {
          total: u64,
          index: u64,
          leaf_hash: base64,
          aunts: { type: "array" as const, items: base64 },
        },
      },
      block_hash: { ...base64, description: "the L2 block hash (32 bytes)" },
      signature: { ...base64, description: "EOTS signature scalar (32 bytes)" },
      l1_block_number: { type: ["integer", "null"] as ("integer" | "null")[], minimum: 0 },
      l1_block_hash_hex: { type: ["string", "null"] as ("string" | "null")[] },
    },
  },
};

// A plain schema, not a zod one: the body is read once by `jsonBody` and checked by the contract's rules, so no
// validator of the OpenAPI layer reads or parses it again.
const messageBody = (kind: SubmissionKind) => ({
  description:
    "The contract's execute message body (snake_case, base64 bytes), or an array of up to 100 of them. " +
    "Verified exactly as the contract would; refusals carry the contract's error name and text.",
  oneOf: [MESSAGE_SCHEMAS[kind], { type: "array" as const, items: MESSAGE_SCHEMAS[kind], maxItems: 100 }],
});

function postRoute(kind: SubmissionKind) {
  const commit = kind === "commit";
  return createRoute({
    method: "post",
    path: commit ? "/v1/chains/{chain}/public-randomness" : "/v1/chains/{chain}/finality-signatures",
    summary: commit ? "Submit public-randomness commitments" : "Submit finality signatures",
    description: commit
      ? "Body: `commit_public_randomness` object(s): {fp_pubkey_hex, start_height, num_pub_rand, commitment, signature}."
      : "Body: `submit_finality_signature` object(s): {fp_pubkey_hex, height, pub_rand, proof, block_hash, signature}.",
    request: {
      params: z.object({ chain: ChainParam }),
      body: { required: true, content: { "application/json": { schema: messageBody(kind) } } },
    },
    responses: {
      200: {
        description: "Every message was already recorded (duplicates)",
        content: { "application/json": { schema: AcceptedSchema } },
      },
      202: {
        description: "Verified and durably queued",
        content: { "application/json": { schema: AcceptedSchema } },
      },
      ...refusals,
    },
  });
}

const submissionRoute = createRoute({
  method: "get",
  path: "/v1/chains/{chain}/submissions/{id}",
  summary: "A submission's status",
  description: "`queued` | `submitted {txHash, babylonHeight}` | `duplicate` | `failed {code, message}`.",
  request: {
    params: z.object({
      chain: ChainParam,
      id: z.string().regex(/^[cv]_[0-9a-f]{40}$/, { error: "must be a submission id" }),
    }),
  },
  responses: {
    200: { description: "The record", content: { "application/json": { schema: SubmissionSchema } } },
    400: { description: "Malformed id", content: problemContent },
    404: { description: "Unknown chain or submission", content: problemContent },
  },
});

const metricsRoute = createRoute({
  method: "get",
  path: "/v1/chains/{chain}/submission-metrics",
  summary: "Submission counters",
  description:
    "Accepted, duplicates, equivocations, refusals by rule, submitted, transactions, batch sizes, failures.",
  request: { params: z.object({ chain: ChainParam }) },
  responses: {
    200: { description: "Counters", content: { "application/json": { schema: MetricsSchema } } },
    404: { description: "Unknown chain", content: problemContent },
  },
});

const evidenceRoute = createRoute({
  method: "get",
  path: "/v1/chains/{chain}/equivocations/{fpBtcPk}/{height}",
  summary: "Equivocation evidence the edge kept",
  description:
    "Both block hashes and signatures, the public randomness, and whether the extracted key is the FP's.",
  request: {
    params: z.object({
      chain: ChainParam,
      fpBtcPk: z.string().regex(/^[0-9a-f]{64}$/, { error: "must be a 32-byte lowercase hex key" }),
      height: z.string().regex(/^[0-9]{1,20}$/, { error: "must be a decimal height" }),
    }),
  },
  responses: {
    200: { description: "The evidence", content: { "application/json": { schema: EvidenceSchema } } },
    400: { description: "Malformed key or height", content: problemContent },
    404: { description: "Unknown chain or no evidence", content: problemContent },
  },
});

const WRAPPER: Record<SubmissionKind, string> = {
  commit: "commit_public_randomness",
  vote: "submit_finality_signature",
};

/** The contract's body; a full execute message (`{ "submit_finality_signature": {…} }`) is unwrapped. */
function unwrap(kind: SubmissionKind, message: unknown): unknown {
  if (typeof message !== "object" || message === null || Array.isArray(message)) return message;
  const keys = Object.keys(message);
  return keys.length === 1 && keys[0] === WRAPPER[kind]
    ? (message as Record<string, unknown>)[WRAPPER[kind]]
    : message;
}

const isWrapped = (kind: SubmissionKind, message: unknown) => unwrap(kind, message) !== message;

/**
 * Per message, what the contract's parsing would refuse in the text: a field written twice (the body keeps
 * the last copy, serde refuses the second), or the execute message's variant written twice.
 */
function parseRefusals(
  c: Context<AppEnv>,
  kind: SubmissionKind,
  raw: readonly unknown[],
  inArray: boolean,
): (ContractRuleError | undefined)[] {
  const byMessage = raw.map(() => [] as { path: string[]; key: string }[]);
  const refusals: (ContractRuleError | undefined)[] = raw.map(() => undefined);
  for (const { path, key } of c.get("jsonRepeatedKeys")) {
    const [index, rest] = inArray ? [path[0], path.slice(1)] : [0, path];
    if (typeof index !== "number" || rest.some((part) => typeof part !== "string")) continue;
    let relative = rest as string[];
    if (isWrapped(kind, raw[index])) {
      if (relative.length === 0) {
        // Only the variant's own key can repeat in an object whose one key is the variant.
        refusals[index] ??= repeatedVariantRefusal(WRAPPER[kind]);
        continue;
      }
      relative = relative.slice(1);
    }
    byMessage[index]?.push({ path: relative, key });
  }
  return refusals.map((early, i) => early ?? duplicateFieldRefusal(kind, byMessage[i] ?? []));
}

/** The messages of a request body (parsed by `jsonBody`): one object or a non-empty array of at most 100. */
function readMessages(
  c: Context<AppEnv>,
  kind: SubmissionKind,
): { messages: unknown[]; refusals: (ContractRuleError | undefined)[] } {
  const body = c.get("jsonBody");
  const raw = Array.isArray(body) ? body : [body];
  if (raw.length === 0) throw new InvalidRequestError("body", "body must hold at least one message");
  if (raw.length > MAX_MESSAGES_PER_REQUEST) {
    throw new InvalidRequestError(
      "body",
      `body holds ${raw.length} messages; at most ${MAX_MESSAGES_PER_REQUEST}`,
    );
  }
  return {
    messages: raw.map((m) => unwrap(kind, m)),
    refusals: parseRefusals(c, kind, raw, Array.isArray(body)),
  };
}

/** The client's address as Cloudflare states it (a client cannot set it there); loopback clients share one. */
const clientIp = (c: Context<AppEnv>) => c.req.header("cf-connecting-ip") ?? "unknown";

/** Per client IP, before the body is even read: the first limit unauthenticated traffic meets. */
const limitPerClient: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (!(await c.env.IP_RATE_LIMITER.limit({ key: clientIp(c) })).success) {
    throw new RateLimitedError("ip", "Too many submission requests from this address; slow down.");
  }
  await next();
};

/**
 * The limits around verification: traffic that proves no key is limited per chain for everyone together (it
 * cannot slow an FP, whose messages prove its key); an FP's own budget is spent only by its new, verified messages.
 */
function submissionLimits(c: Context<AppEnv>, chain: string): SubmissionLimits {
  return {
    async unverified() {
      if (!(await c.env.UNVERIFIED_RATE_LIMITER.limit({ key: chain })).success) {
        throw new RateLimitedError(
          "signature",
          "Too many submissions whose signatures do not verify are arriving; signed submissions are not affected.",
        );
      }
    },
    async verified(newMessagesByFp) {
      for (const fp of newMessagesByFp.keys()) {
        if (!(await c.env.FP_RATE_LIMITER.limit({ key: `${chain}/${fp}` })).success) {
          throw new RateLimitedError(
            "fp_pubkey_hex",
            `Too many submissions for finality provider ${fp}; slow down.`,
          );
        }
      }
    },
  };
}

export function registerSubmissions(app: OpenAPIHono<AppEnv>, deps: AppDeps): void {
  for (const path of ["/v1/chains/:chain/public-randomness", "/v1/chains/:chain/finality-signatures"]) {
    app.on("POST", path, limitPerClient, jsonBody(MAX_BODY_BYTES, "report"));
  }

  for (const kind of ["commit", "vote"] as const) {
    app.openapi(postRoute(kind), async (c) => {
      const { chain: chainId } = c.req.valid("param");
      const chain = (await registry(c)).get(chainId);
      const { messages, refusals } = readMessages(c, kind);
      const { state, babylonHeight } = deps.submissions(chain, c.env);
      const submissions = await acceptSubmissions(
        {
          chain: chain.id,
          book: submissionBook(c.env, chain.id),
          queue: c.env.SUBMISSIONS,
          state,
          babylonHeight,
          babylonChainId: chain.babylonChainId,
          contractAddress: chain.contractAddress,
          limits: submissionLimits(c, chain.id),
        },
        kind,
        messages,
        refusals,
      );
      const anyQueued = submissions.some((s) => s.status === "queued");
      return c.json({ submissions }, anyQueued ? 202 : 200, { "cache-control": "no-store" });
    });
  }

  app.openapi(submissionRoute, async (c) => {
    const { chain: chainId, id } = c.req.valid("param");
    const chain = (await registry(c)).get(chainId);
    const record = await viaCoordinator(() => coordinatorStub(c.env, chain.id).record(chain.id, id));
    if (!record) throw new SubmissionNotFoundError(id);
    return c.json(submissionJson(record), 200, { "cache-control": "no-store" });
  });

  app.openapi(metricsRoute, async (c) => {
    const chain = (await registry(c)).get(c.req.valid("param").chain);
    const counters = await viaCoordinator(() => coordinatorStub(c.env, chain.id).counters(chain.id));
    const metrics = metricsJson(chain.id, metricsFromCounters(counters, unflushedRefusals(chain.id)));
    return c.json(metrics, 200, { "cache-control": "no-store" });
  });

  app.openapi(evidenceRoute, async (c) => {
    const { chain: chainId, fpBtcPk, height } = c.req.valid("param");
    const chain = (await registry(c)).get(chainId);
    const evidence = await viaCoordinator(() =>
      coordinatorStub(c.env, chain.id).evidence(chain.id, fpBtcPk, Number(height)),
    );
    if (!evidence) throw new EvidenceNotFoundError(fpBtcPk, height);
    return c.json(evidenceJson(chain.id, evidence), 200, { "cache-control": "no-store" });
  });
}
