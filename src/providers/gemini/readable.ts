import { absent, optNumber, optString, plain } from '../shared/wire-checks.js';
import type { GeminiResponse } from './gemini-api-types.js';

/**
 * A cheap check that proves a GenerateContentResponse (or stream chunk) readable: every field the
 * adapter reads has the type its zod schema in gemini-api-types.ts demands, or a stricter one (plain
 * objects only, finite numbers). A response that passes is read as it is, without zod copying it
 * (the loose schemas copy every field of the response, its candidates and their parts). False
 * means "not proven": the schema decides and reports what is wrong, so errors are unchanged. A
 * property test holds it to the schema.
 */

function partReadable(p: unknown): boolean {
  if (!plain(p) || !optString(p.text) || !(absent(p.thought) || typeof p.thought === 'boolean') || !optString(p.thoughtSignature)) return false;
  const call = p.functionCall;
  if (!absent(call) && !(plain(call) && optString(call.id) && typeof call.name === 'string' && (absent(call.args) || plain(call.args)))) return false;
  const data = p.inlineData;
  return absent(data) || (plain(data) && optString(data.mimeType) && optString(data.data));
}

function candidateReadable(c: unknown): boolean {
  if (!plain(c) || !optString(c.finishReason) || !optString(c.finishMessage) || !optNumber(c.index)) return false;
  const content = c.content;
  if (absent(content)) return true;
  if (!plain(content) || !optString(content.role)) return false;
  const parts = content.parts;
  if (absent(parts)) return true;
  if (!Array.isArray(parts)) return false;
  for (let i = 0; i < parts.length; i++) if (!partReadable(parts[i])) return false;
  return true;
}

function usageReadable(u: unknown): boolean {
  return (
    absent(u) ||
    (plain(u) &&
      optNumber(u.promptTokenCount) &&
      optNumber(u.candidatesTokenCount) &&
      optNumber(u.thoughtsTokenCount) &&
      optNumber(u.cachedContentTokenCount) &&
      optNumber(u.toolUsePromptTokenCount) &&
      optNumber(u.totalTokenCount))
  );
}

/** A response (or chunk) the adapter can read as it is (see the file's comment). */
export function readableResponse(value: unknown): value is GeminiResponse {
  if (!plain(value) || !optString(value.modelVersion) || !optString(value.responseId) || !usageReadable(value.usageMetadata)) return false;
  const feedback = value.promptFeedback;
  if (!absent(feedback) && !(plain(feedback) && optString(feedback.blockReason) && optString(feedback.blockReasonMessage))) return false;
  const candidates = value.candidates;
  if (absent(candidates)) return true;
  if (!Array.isArray(candidates)) return false;
  for (let i = 0; i < candidates.length; i++) if (!candidateReadable(candidates[i])) return false;
  return true;
}
