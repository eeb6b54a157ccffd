/** Reading JSON out of a model's answer: whole (final validation) or partial (while streaming). */

export type JsonParse = { ok: true; value: unknown } | { ok: false; message: string };

/** Parses an answer: plain JSON, JSON in a Markdown fence, or the outermost `{…}` / `[…]` with prose around it. */
export function parseJsonAnswer(text: string): JsonParse {
  const trimmed = text.trim();
  const fenced = /```(?:json)?\s*([\s\S]*?)```/i.exec(trimmed);
  const candidates = [trimmed];
  if (fenced?.[1] !== undefined) candidates.push(fenced[1].trim());
  const start = trimmed.search(/[[{]/);
  const end = Math.max(trimmed.lastIndexOf('}'), trimmed.lastIndexOf(']'));
  if (start >= 0 && end > start) candidates.push(trimmed.slice(start, end + 1));
  let message = 'the answer is empty';
  for (const candidate of candidates) {
    if (candidate === '') continue;
    try {
      return { ok: true, value: JSON.parse(candidate) as unknown };
    } catch (error) {
      message = `the answer is not valid JSON (${(error as Error).message})`;
    }
  }
  return { ok: false, message };
}

interface Frame {
  close: '}' | ']';
  expectKey: boolean;
}

/**
 * The value of an incomplete JSON text, as far as it goes: open strings are closed, open objects
 * and arrays are closed, and a trailing key without a value or an unfinished number is dropped.
 * Undefined when nothing object-like has started yet.
 */
export function parsePartialJson(text: string): { value: unknown } | undefined {
  const start = text.search(/[[{]/);
  if (start < 0) return undefined;
  const stack: Frame[] = [];
  let inString = false;
  let escape = false;
  let stringIsKey = false;
  let safeAt = -1;
  let safeClosers = '';
  const closers = () =>
    stack
      .map((f) => f.close)
      .reverse()
      .join('');
  const mark = (pos: number) => {
    safeAt = pos;
    safeClosers = closers();
  };
  for (let i = start; i < text.length; i++) {
    const ch = text[i];
    if (inString) {
      if (escape) escape = false;
      else if (ch === '\\') escape = true;
      else if (ch === '"') {
        inString = false;
        if (!stringIsKey) mark(i + 1);
      }
      continue;
    }
    const top = stack[stack.length - 1];
    switch (ch) {
      case '{':
        stack.push({ close: '}', expectKey: true });
        mark(i + 1);
        break;
      case '[':
        stack.push({ close: ']', expectKey: false });
        mark(i + 1);
        break;
      case '}':
      case ']':
        stack.pop();
        if (stack.length === 0) return tryParse(text.slice(start, i + 1));
        mark(i + 1);
        break;
      case '"':
        inString = true;
        stringIsKey = top?.close === '}' && top.expectKey;
        break;
      case ':':
        if (top) top.expectKey = false;
        break;
      case ',':
        if (top?.close === '}') top.expectKey = true;
        mark(i);
        break;
      default:
        break;
    }
  }
  if (inString && !stringIsKey) {
    const body = escape ? text.slice(start, -1) : text.slice(start);
    const closed = tryParse(`${body}"${closers()}`);
    if (closed) return closed;
  }
  return safeAt >= 0 ? tryParse(text.slice(start, safeAt) + safeClosers) : undefined;
}

function tryParse(text: string): { value: unknown } | undefined {
  try {
    return { value: JSON.parse(text) as unknown };
  } catch {
    return undefined;
  }
}
