import { errorFromStatus } from '../../core/error-mapping.js';
import {
  AbortError,
  AuthenticationError,
  InvalidResponseError,
  NotFoundError,
  ProviderUnavailableError,
  RateLimitError,
  SwitchyardError,
} from '../../core/errors.js';

export interface ErrorContext {
  provider: string;
  model?: string;
  signal?: AbortSignal;
}

/** Google RPC status names to HTTP statuses, for errors that carry only the name (stream error chunks). */
const RPC_STATUS: Record<string, number> = {
  INVALID_ARGUMENT: 400,
  FAILED_PRECONDITION: 400,
  OUT_OF_RANGE: 400,
  UNAUTHENTICATED: 401,
  PERMISSION_DENIED: 403,
  NOT_FOUND: 404,
  RESOURCE_EXHAUSTED: 429,
  CANCELLED: 499,
  INTERNAL: 500,
  UNKNOWN: 500,
  UNAVAILABLE: 503,
  DEADLINE_EXCEEDED: 504,
};

/** What we read from either SDK's error: the HTTP status, the Google error body and its details. */
interface GoogleErrorInfo {
  status?: number;
  rpcStatus?: string;
  message?: string;
  details: Array<Record<string, unknown>>;
}

function asRecord(v: unknown): Record<string, unknown> | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

/** The first `{...}` JSON object embedded in a message (genai puts the whole body there). */
function embeddedJson(text: string): Record<string, unknown> | undefined {
  const start = text.indexOf('{');
  if (start < 0) return undefined;
  try {
    return asRecord(JSON.parse(text.slice(start)));
  } catch {
    return undefined;
  }
}

/** Reads either SDK's error, or a `{ error: {...} }` body met inside a stream. */
export function readGoogleError(error: unknown): GoogleErrorInfo {
  const e = asRecord(error) ?? {};
  const info: GoogleErrorInfo = { details: [] };
  if (typeof e.status === 'number') info.status = e.status;
  const message = typeof e.message === 'string' ? e.message : undefined;
  // genai: message is the JSON body; generative-ai: "... [400 Bad Request] <message> [<details JSON>]".
  const body = asRecord(e.error) ?? asRecord(message ? embeddedJson(message)?.error : undefined);
  if (body) {
    if (typeof body.code === 'number' && info.status === undefined) info.status = body.code;
    if (typeof body.status === 'string') info.rpcStatus = body.status;
    if (typeof body.message === 'string') info.message = body.message;
    if (Array.isArray(body.details)) info.details = body.details.filter((d): d is Record<string, unknown> => asRecord(d) !== undefined);
  }
  if (Array.isArray(e.errorDetails)) info.details = e.errorDetails.filter((d): d is Record<string, unknown> => asRecord(d) !== undefined);
  if (info.message === undefined && message !== undefined) {
    const m = /\[(\d{3})[^\]]*\]\s*(.*)$/s.exec(message);
    if (m) {
      info.status ??= Number(m[1]);
      // Cut the trailing details JSON the SDK appends.
      info.message = m[2]!.replace(/\s*\[\{.*$/s, '').trim();
    } else info.message = message;
  }
  if (info.status === undefined && info.rpcStatus && RPC_STATUS[info.rpcStatus]) info.status = RPC_STATUS[info.rpcStatus];
  return info;
}

/** `"34.4s"` (a protobuf Duration) to ms. */
export function parseRetryDelay(details: Array<Record<string, unknown>>): number | undefined {
  for (const d of details) {
    if (typeof d['@type'] === 'string' && d['@type'].endsWith('RetryInfo') && typeof d.retryDelay === 'string') {
      const m = /^(\d+(?:\.\d+)?)s$/.exec(d.retryDelay.trim());
      if (m) return Math.round(Number(m[1]) * 1000);
    }
  }
  return undefined;
}

function errorReason(details: Array<Record<string, unknown>>): string | undefined {
  for (const d of details)
    if (typeof d['@type'] === 'string' && d['@type'].endsWith('ErrorInfo') && typeof d.reason === 'string') return d.reason;
  return undefined;
}

/** Never let a `?key=` query parameter (the SDKs' URLs) reach a message. */
function scrub(text: string): string {
  return text.replace(/([?&]key=)[^&\s"']+/gi, '$1[REDACTED]');
}

const MALFORMED =
  /Incomplete JSON segment|exception parsing stream chunk|Failed to parse stream|Error parsing JSON|Unexpected token|Unexpected end of JSON|is not valid JSON/i;
const NETWORK =
  /fetch failed|terminated|socket|ECONNRESET|ECONNREFUSED|ENOTFOUND|EPIPE|other side closed|network|Error reading from the stream|Error fetching from/i;

function causeText(error: unknown): string {
  const parts: string[] = [];
  let e: unknown = error;
  for (let i = 0; i < 4 && e; i++) {
    const r = asRecord(e);
    if (!r) break;
    if (typeof r.message === 'string') parts.push(r.message);
    if (typeof r.code === 'string') parts.push(r.code);
    e = r.cause;
  }
  return parts.join(' | ');
}

/**
 * Any error thrown by either Gemini SDK (or by our own fetch of the models list) as one of ours.
 * The raw error is always the `cause`; the message names provider and model and never a key.
 */
export function mapGeminiError(error: unknown, ctx: ErrorContext): SwitchyardError {
  if (SwitchyardError.isInstance(error)) return error;
  const base = { provider: ctx.provider, ...(ctx.model !== undefined && { model: ctx.model }), cause: error };
  const where = `Gemini (${ctx.provider}${ctx.model ? `, model "${ctx.model}"` : ''})`;
  const name = asRecord(error)?.name;
  const text = causeText(error);

  const aborted = () => new AbortError({ ...base, message: `${where}: the request was aborted` });
  if (ctx.signal?.aborted || name === 'AbortError' || name === 'GoogleGenerativeAIAbortError') return aborted();

  const info = readGoogleError(error);
  if (info.status !== undefined) {
    const vendorMessage = scrub(info.message ?? '');
    const reason = errorReason(info.details);
    const vendorCode = reason ?? info.rpcStatus;
    const opts = { ...base, statusCode: info.status, ...(vendorCode !== undefined && { vendorCode }) };
    const message = `${where}: ${vendorMessage || `HTTP ${info.status}`}`;
    if (reason === 'API_KEY_INVALID' || /API key not valid|API key expired|API_KEY_INVALID/i.test(vendorMessage)) {
      return new AuthenticationError({ ...opts, message });
    }
    const retryAfterMs = parseRetryDelay(info.details);
    if (info.status === 429 && retryAfterMs !== undefined) return new RateLimitError({ ...opts, message, retryAfterMs });
    if (info.status === 404) {
      return new NotFoundError({
        ...opts,
        message: `${where}: model "${ctx.model ?? '?'}" was not found${vendorMessage ? ` (${vendorMessage})` : ''}`,
      });
    }
    return errorFromStatus({ ...opts, message, ...(retryAfterMs !== undefined && { retryAfterMs }) });
  }

  if (/\baborted\b/i.test(text)) return aborted();
  if (name === 'SyntaxError' || name === 'ZodError' || MALFORMED.test(text)) {
    return new InvalidResponseError({ ...base, message: `${where}: the response could not be read (${scrub(text).slice(0, 200)})` });
  }
  if (NETWORK.test(text) || name === 'TypeError') {
    return new ProviderUnavailableError({ ...base, message: `${where}: connection failed (${scrub(text).slice(0, 200)})` });
  }
  return new ProviderUnavailableError({ ...base, message: `${where}: ${scrub(text).slice(0, 300) || 'unknown error'}` });
}
