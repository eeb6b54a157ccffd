import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createAuditLog, memorySink, verifyAuditLog } from '../../src/observability/audit/index.js';
import type { AuditContentPolicy, AuditRedactInfo, AuditRequestEntry } from '../../src/observability/audit/index.js';
import type { Message } from '../../src/core/messages.js';
import { route } from './helpers.js';

const SYSTEM = 'You are the Acme support agent. Internal note: tier-1 only.';
const MESSAGES: Message[] = [
  { role: 'user', content: 'My order 4411 never arrived, email me at jane@example.com' },
  { role: 'assistant', content: [{ type: 'tool-call', toolCallId: 't1', toolName: 'lookupOrder', args: { orderId: '4411' } }] },
  { role: 'tool', content: [{ type: 'tool-result', toolCallId: 't1', toolName: 'lookupOrder', result: { status: 'lost-in-transit' } }] },
  {
    role: 'user',
    content: [
      { type: 'text', text: 'Please refund it.' },
      { type: 'image', url: 'https://example.com/receipt.png' },
    ],
  },
];
const COMPLETION = 'I have issued a refund for order 4411.';
const TEXTS = [
  SYSTEM,
  'My order 4411 never arrived',
  'lost-in-transit',
  'Please refund it.',
  'receipt.png',
  COMPLETION,
  'jane@example.com',
];

function recordWith(content: AuditContentPolicy | undefined): { entry: AuditRequestEntry; line: string } {
  const sink = memorySink();
  const log = createAuditLog({ sink, ...(content === undefined ? {} : { content }) });
  log.record({ requestId: 'r-1', route: route('smart', 'acme', false), system: SYSTEM, messages: MESSAGES, completion: COMPLETION });
  const entry = sink.entries[0] as AuditRequestEntry;
  expect(verifyAuditLog(sink.entries)).toEqual({ ok: true });
  return { entry, line: JSON.stringify(entry) };
}

const sha = (t: string) => createHash('sha256').update(t, 'utf8').digest('hex');

describe('content policies', () => {
  it('exclude (the default): no text of the prompt or completion anywhere in the entry', () => {
    for (const policy of [undefined, 'exclude'] as const) {
      const { entry, line } = recordWith(policy);
      expect(entry.content).toBeUndefined();
      for (const text of TEXTS) expect(line).not.toContain(text);
      expect(line).not.toContain('4411');
    }
  });

  it('include: every text part by role and kind; images are never stored', () => {
    const { entry } = recordWith('include');
    expect(entry.content).toEqual({
      policy: 'include',
      prompt: [
        { role: 'system', kind: 'text', text: SYSTEM },
        { role: 'user', kind: 'text', text: 'My order 4411 never arrived, email me at jane@example.com' },
        { role: 'assistant', kind: 'tool-call', toolName: 'lookupOrder', text: '{"orderId":"4411"}' },
        { role: 'tool', kind: 'tool-result', toolName: 'lookupOrder', text: '{"status":"lost-in-transit"}' },
        { role: 'user', kind: 'text', text: 'Please refund it.' },
        { role: 'user', kind: 'image' },
      ],
      completion: [{ role: 'assistant', kind: 'text', text: COMPLETION }],
    });
  });

  it('hash: the SHA-256 of each text, and no text', () => {
    const { entry, line } = recordWith('hash');
    expect(entry.content?.policy).toBe('hash');
    expect(entry.content?.prompt[0]).toEqual({ role: 'system', kind: 'text', sha256: sha(SYSTEM) });
    expect(entry.content?.completion).toEqual([{ role: 'assistant', kind: 'text', sha256: sha(COMPLETION) }]);
    expect(entry.content?.prompt[2]?.sha256).toBe(sha('{"orderId":"4411"}'));
    for (const text of TEXTS) expect(line).not.toContain(text);
  });

  it('a redaction function gets each text with its role and kind, and its result is stored', () => {
    const seen: AuditRedactInfo[] = [];
    const { entry, line } = recordWith((text, info) => {
      seen.push(info);
      return text.replace(/[\w.]+@[\w.]+/g, '<email>').replace(/\d{4}/g, '<n>');
    });
    expect(entry.content?.policy).toBe('redact');
    expect(entry.content?.prompt[1]?.text).toBe('My order <n> never arrived, email me at <email>');
    expect(entry.content?.completion[0]?.text).toBe('I have issued a refund for order <n>.');
    expect(line).not.toContain('jane@example.com');
    expect(seen).toContainEqual({ role: 'system', kind: 'text', source: 'prompt' });
    expect(seen).toContainEqual({ role: 'assistant', kind: 'tool-call', source: 'prompt' });
    expect(seen).toContainEqual({ role: 'assistant', kind: 'text', source: 'completion' });
    expect(seen.some((s) => s.kind === 'image')).toBe(false);
  });

  it('a throwing redaction function leaves all text out and reports it', () => {
    const errors: string[] = [];
    const sink = memorySink();
    const log = createAuditLog({
      sink,
      content: () => {
        throw new Error('redactor bug');
      },
      onError: (e) => errors.push(e.kind),
    });
    const entry = log.record({ requestId: 'r-2', messages: MESSAGES, completion: COMPLETION });
    expect(entry?.content?.redactionFailed).toBe(true);
    for (const text of TEXTS) expect(JSON.stringify(entry)).not.toContain(text);
    expect(errors).toEqual(['redaction']);
    expect(sink.entries).toHaveLength(1);
  });
});

describe('content never keeps a credential', () => {
  it('credential-named properties of tool arguments and results are replaced before storing', () => {
    const sink = memorySink();
    const log = createAuditLog({ sink, content: 'include' });
    log.record({
      requestId: 'r-3',
      messages: [
        {
          role: 'assistant',
          content: [
            { type: 'tool-call', toolCallId: 't', toolName: 'connect', args: { host: 'db', password: 'unregistered-db-pass-1234' } },
          ],
        },
      ],
    });
    expect(JSON.stringify(sink.entries)).not.toContain('unregistered-db-pass-1234');
    expect((sink.entries[0] as AuditRequestEntry).content?.prompt[0]?.text).toBe('{"host":"db","password":"[REDACTED]"}');
  });

  it('a bad input (invalid time) is reported through onError as kind "input", never thrown', () => {
    const kinds: string[] = [];
    const log = createAuditLog({ sink: memorySink(), onError: (e) => kinds.push(e.kind) });
    expect(log.record({ requestId: 'r', time: Number.NaN })).toBeUndefined();
    expect(kinds).toEqual(['input']);
  });
});
