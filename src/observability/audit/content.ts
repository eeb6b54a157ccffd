import type { AssistantContentPart, Message, MessageRole } from '../../core/messages.js';
import { redact } from '../../core/redact.js';
import { sha256Hex } from './canonical.js';
import { sanitize } from './sanitize.js';
import type { AuditContent, AuditContentItem, AuditContentKind } from './types.js';

export interface AuditRedactInfo {
  role: MessageRole;
  kind: AuditContentKind;
  /** `prompt` for request messages (and the system prompt), `completion` for the response. */
  source: 'prompt' | 'completion';
}

/** Returns the text to store in place of `text`. Its result still passes through secret redaction. */
export type AuditRedactor = (text: string, info: AuditRedactInfo) => string;

/**
 * What the log keeps of prompts and completions: nothing (`exclude`, the default), the text
 * (`include`), its SHA-256 (`hash`), or what a redaction function returns.
 */
export type AuditContentPolicy = 'exclude' | 'include' | 'hash' | AuditRedactor;

/** The texts of one request, as the router has them. */
export interface AuditContentInput {
  system?: string;
  messages?: ReadonlyArray<Message>;
  /** The response text, or its content parts. */
  completion?: string | ReadonlyArray<AssistantContentPart>;
}

type Piece = { role: MessageRole; kind: AuditContentKind; text: string; toolName?: string };

/** Tool arguments and results as JSON, with credential-named properties already replaced. */
function stringify(value: unknown): string {
  if (typeof value === 'string') return value;
  value = sanitize(value);
  try {
    return JSON.stringify(value) ?? '';
  } catch {
    return String(value);
  }
}

function piecesOf(role: MessageRole, content: Message['content'] | ReadonlyArray<AssistantContentPart>): Piece[] {
  if (typeof content === 'string') return [{ role, kind: 'text', text: content }];
  return content.map((part): Piece => {
    switch (part.type) {
      case 'text':
      case 'reasoning':
        return { role, kind: part.type, text: part.text };
      case 'tool-call':
        return { role, kind: 'tool-call', text: stringify(part.args), toolName: part.toolName };
      case 'tool-result':
        return { role, kind: 'tool-result', text: stringify(part.result), toolName: part.toolName };
      case 'image':
        return { role, kind: 'image', text: '' };
    }
  });
}

function item(piece: Piece, policy: Exclude<AuditContentPolicy, 'exclude'>, source: AuditRedactInfo['source']): AuditContentItem {
  const out: AuditContentItem = { role: piece.role, kind: piece.kind };
  if (piece.toolName !== undefined) out.toolName = piece.toolName;
  if (piece.kind === 'image') return out; // image bytes and URLs are never stored
  if (policy === 'hash') out.sha256 = sha256Hex(piece.text);
  else if (policy === 'include') out.text = redact(piece.text);
  else out.text = redact(policy(piece.text, { role: piece.role, kind: piece.kind, source }));
  return out;
}

/** Applies the policy. A throwing redaction function drops all text (`redactionFailed`) rather than risk keeping it. */
export function auditContent(
  input: AuditContentInput | undefined,
  policy: AuditContentPolicy,
): { content?: AuditContent; error?: unknown } {
  if (policy === 'exclude' || !input) return {};
  const prompt: Piece[] = [];
  if (input.system !== undefined) prompt.push({ role: 'system', kind: 'text', text: input.system });
  for (const m of input.messages ?? []) prompt.push(...piecesOf(m.role, m.content));
  const completion = input.completion === undefined ? [] : piecesOf('assistant', input.completion);
  const name = typeof policy === 'function' ? 'redact' : policy;
  try {
    return {
      content: {
        policy: name,
        prompt: prompt.map((p) => item(p, policy, 'prompt')),
        completion: completion.map((p) => item(p, policy, 'completion')),
      },
    };
  } catch (error) {
    const bare = (p: Piece): AuditContentItem =>
      p.toolName === undefined ? { role: p.role, kind: p.kind } : { role: p.role, kind: p.kind, toolName: p.toolName };
    return { content: { policy: name, prompt: prompt.map(bare), completion: completion.map(bare), redactionFailed: true }, error };
  }
}
