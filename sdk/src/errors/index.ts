export { FinalityEdgeError, type FinalityEdgeErrorOptions } from "./base.ts";
export { AbortedError, InvalidResponseError, NetworkError, TimeoutError } from "./client-side.ts";
export { errorFromAnswer, isRetryable, readProblem } from "./from-answer.ts";
export {
  HttpStatusError,
  InvalidRequestError,
  type NotFoundCode,
  NotFoundError,
  type Problem,
  RateLimitedError,
  SubmissionRefusedError,
  UpstreamUnavailableError,
} from "./http.ts";
