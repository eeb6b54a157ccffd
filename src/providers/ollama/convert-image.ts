import type { ImagePart } from '../../core/messages.js';

export type ImageConversion = { ok: true; base64: string } | { ok: false; reason: string };

const DATA_URL = /^data:([^;,]*)((?:;[^;,]*)*?);base64,(.*)$/is;

/** Raw bytes to base64 without Node's Buffer (the library may run outside Node). */
export function bytesToBase64(bytes: Uint8Array): string {
  let binary = '';
  const step = 0x8000;
  for (let i = 0; i < bytes.length; i += step) {
    binary += String.fromCharCode(...bytes.subarray(i, i + step));
  }
  return btoa(binary);
}

/**
 * Ollama takes images only as bare base64 strings (`images: [...]`). Base64 data, bytes and
 * base64 `data:` URLs convert; http(s) URLs are NOT fetched (the adapter makes no request the
 * caller did not ask for): the caller gets a warning and the image is dropped.
 */
export function imageToBase64(part: ImagePart): ImageConversion {
  if (part.data instanceof Uint8Array) return { ok: true, base64: bytesToBase64(part.data) };
  if (typeof part.data === 'string') {
    const fromUrl = DATA_URL.exec(part.data);
    return { ok: true, base64: fromUrl ? fromUrl[3]!.trim() : part.data.trim() };
  }
  const url = part.url ?? '';
  const data = DATA_URL.exec(url);
  if (data) return { ok: true, base64: data[3]!.trim() };
  if (/^data:/i.test(url)) return { ok: false, reason: 'a data: URL that is not base64-encoded' };
  return { ok: false, reason: 'an image URL (Ollama takes base64 data only; the adapter does not download images)' };
}
