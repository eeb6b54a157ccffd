import { absent, optNumber, optString, plain, type Rec } from '../shared/wire-checks.js';
import type { WireChatCompletion, WireChunk } from './openai-api-types.js';

/**
 * Cheap checks that prove a Chat Completions body (or stream chunk) readable: every field the
 * adapter reads has the type its zod schema in openai-api-types.ts demands, or a stricter one
 * (plain objects only, finite numbers, safe integers). A body that passes is read as it is, without
 * zod building a stripped copy (the schema walk and the copy were ~5 µs and 2 KB of every response).
 * False means "not proven": the schema decides and reports what is wrong, so errors are unchanged.
 * A property test holds these to the schemas.
 */

const optInt = (v: unknown): boolean => absent(v) || Number.isSafeInteger(v);

function usageReadable(u: unknown): boolean {
  if (absent(u)) return true;
  if (!plain(u)) return false;
  const p = u.prompt_tokens_details;
  const c = u.completion_tokens_details;
  return (
    optNumber(u.prompt_tokens) &&
    optNumber(u.completion_tokens) &&
    optNumber(u.total_tokens) &&
    optNumber(u.prompt_cache_hit_tokens) &&
    optNumber(u.prompt_cache_miss_tokens) &&
    (absent(p) || (plain(p) && optNumber(p.cached_tokens))) &&
    (absent(c) || (plain(c) && optNumber(c.reasoning_tokens)))
  );
}

/** The text fields a message and a delta share. */
function textReadable(m: Rec): boolean {
  return optString(m.content) && optString(m.refusal) && optString(m.reasoning_content) && optString(m.reasoning);
}

function toolCallsReadable(calls: unknown, delta: boolean): boolean {
  if (absent(calls)) return true;
  if (!Array.isArray(calls)) return false;
  for (let i = 0; i < calls.length; i++) {
    const call: unknown = calls[i];
    if (!plain(call)) return false;
    const fn = call.function;
    if (delta) {
      if (!optInt(call.index) || !optString(call.id)) return false;
      if (!absent(fn) && !(plain(fn) && optString(fn.name) && optString(fn.arguments))) return false;
    } else if (typeof call.id !== 'string' || !optString(call.type) || !plain(fn) || typeof fn.name !== 'string' || !optString(fn.arguments)) {
      return false;
    }
  }
  return true;
}

/** A non-streaming body the adapter can read as it is (see the file's comment). */
export function readableCompletion(raw: unknown): raw is WireChatCompletion {
  if (!plain(raw) || !optString(raw.id) || !optString(raw.model) || !usageReadable(raw.usage)) return false;
  const { choices } = raw;
  if (!Array.isArray(choices) || choices.length === 0) return false;
  for (let i = 0; i < choices.length; i++) {
    const choice: unknown = choices[i];
    if (!plain(choice) || !optInt(choice.index) || !optString(choice.finish_reason)) return false;
    const { message } = choice;
    if (!plain(message) || !textReadable(message) || !toolCallsReadable(message.tool_calls, false)) return false;
  }
  return true;
}

/** A stream chunk the adapter can read as it is (see the file's comment). */
export function readableChunk(raw: unknown): raw is WireChunk {
  if (!plain(raw) || !optString(raw.id) || !optString(raw.model) || !usageReadable(raw.usage)) return false;
  const { choices } = raw;
  if (absent(choices)) return true;
  if (!Array.isArray(choices)) return false;
  for (let i = 0; i < choices.length; i++) {
    const choice: unknown = choices[i];
    if (!plain(choice) || !optInt(choice.index) || !optString(choice.finish_reason)) return false;
    const { delta } = choice;
    if (absent(delta)) continue;
    if (!plain(delta) || !textReadable(delta) || !toolCallsReadable(delta.tool_calls, true)) return false;
  }
  return true;
}
