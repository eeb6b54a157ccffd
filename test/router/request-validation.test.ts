import { describe, expect, it } from 'vitest';
import { createRouter, InvalidRequestError, mockProvider, type ChatRequest } from '../../src/index.js';

const m = mockProvider();
const router = createRouter({ providers: { m }, models: { x: { provider: 'm', model: 'x' } } });

async function issueOf(request: unknown): Promise<InvalidRequestError> {
  const error = await router.chat(request as ChatRequest).catch((e: unknown) => e);
  expect(InvalidRequestError.isInstance(error)).toBe(true);
  return error as InvalidRequestError;
}

describe('bad requests get a typed error naming the field, and call nothing', () => {
  it('empty messages', async () => {
    const e = await issueOf({ messages: [] });
    expect(e.path).toBe('messages');
    expect(e.message).toContain('messages: must contain at least one message');
  });

  it('a tool message without a matching tool call', async () => {
    const e = await issueOf({
      messages: [
        { role: 'user', content: 'hi' },
        { role: 'tool', content: [{ type: 'tool-result', toolCallId: 'call_9', toolName: 'f', result: 1 }] },
      ],
    });
    expect(e.path).toBe('messages[1].content[0].toolCallId');
    expect(e.message).toContain('answers no earlier tool call');
  });

  it('an image part with neither URL nor data', async () => {
    const e = await issueOf({ messages: [{ role: 'user', content: [{ type: 'image' }] }] });
    expect(e.path).toBe('messages[0].content[0]');
    expect(e.message).toContain('needs `url` or `data`');
  });

  it('image data without a media type', async () => {
    const e = await issueOf({ messages: [{ role: 'user', content: [{ type: 'image', data: 'iVBORw0KGgo=' }] }] });
    expect(e.path).toBe('messages[0].content[0].mediaType');
  });

  it('temperature: -1', async () => {
    const e = await issueOf({ messages: [{ role: 'user', content: 'hi' }], params: { temperature: -1 } });
    expect(e.path).toBe('params.temperature');
  });

  it('unknown fields in the request and in a message', async () => {
    const e = await issueOf({ messages: [{ role: 'user', content: 'hi', name: 'bob' }], temprature: 1 });
    expect(e.issues.map((i) => i.path).sort()).toEqual(['messages[0].name', 'temprature']);
  });

  it('an unknown role and a toolChoice naming no tool', async () => {
    expect((await issueOf({ messages: [{ role: 'robot', content: 'hi' }] })).path).toBe('messages[0].role');
    const e = await issueOf({ messages: [{ role: 'user', content: 'hi' }], toolChoice: { type: 'tool', name: 'ghost' } });
    expect(e.path).toBe('toolChoice.name');
  });

  it('a forced model that does not exist', async () => {
    const e = await issueOf({ messages: [{ role: 'user', content: 'hi' }], model: 'nope' });
    expect(e.path).toBe('model');
    expect(e.message).toContain('unknown model "nope"');
  });

  it('never reached the provider', () => {
    expect(m.calls).toHaveLength(0);
  });
});
