import { startLoopback, type Loopback } from '../../helpers/loopback.js';

/** A call that reached the loopback vendor: when, for which vendor model, and the prompt. */
export interface VendorCall {
  at: number;
  model: string;
  content: string;
}

export interface FleetVendor {
  url: string;
  /** Calls that reached the vendor (warm-up calls excluded), in arrival order. */
  calls: VendorCall[];
  /** Most calls the vendor held at once (each is held `holdMs` before its answer). */
  maxInFlight(): number;
  close(): Promise<void>;
}

/** An OpenAI-compatible loopback vendor shared by every process of a test: it counts what reaches it. */
export async function startFleetVendor(holdMs = 0): Promise<FleetVendor> {
  const calls: VendorCall[] = [];
  let inFlight = 0;
  let max = 0;
  const lb: Loopback = await startLoopback(async (req, res) => {
    const body = req.body as { model: string; messages: Array<{ content: string }> };
    const content = body.messages.at(-1)?.content ?? '';
    const counted = content !== 'warm-up';
    if (counted) {
      calls.push({ at: Date.now(), model: body.model, content });
      max = Math.max(max, ++inFlight);
    }
    if (holdMs > 0) await new Promise((r) => setTimeout(r, holdMs));
    // The answer leaves before the count drops: the caller's slot is released only after it arrives.
    if (counted) inFlight--;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        id: 'chatcmpl-1',
        object: 'chat.completion',
        created: 1,
        model: body.model,
        choices: [{ index: 0, message: { role: 'assistant', content: 'ok' }, finish_reason: 'stop' }],
        usage: { prompt_tokens: 5, completion_tokens: 1, total_tokens: 6 },
      }),
    );
  });
  return { url: lb.url, calls, maxInFlight: () => max, close: () => lb.close() };
}

/** The most calls that arrived within any `windowMs` (a sliding window over the arrival times). */
export function maxInWindow(calls: ReadonlyArray<VendorCall>, windowMs: number): number {
  const at = calls.map((c) => c.at).sort((a, b) => a - b);
  let best = 0;
  for (let i = 0, j = 0; j < at.length; j++) {
    while (at[j]! - at[i]! >= windowMs) i++;
    best = Math.max(best, j - i + 1);
  }
  return best;
}
