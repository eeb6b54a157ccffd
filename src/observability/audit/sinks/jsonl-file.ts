import { open } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import type { AuditEntry } from '../types.js';
import type { AuditSink } from './types.js';

export interface JsonlFileSinkOptions {
  /** `flush` (default): fsync on `flush()` / `close()`. `batch`: also after every written batch. */
  fsync?: 'flush' | 'batch';
  /** File mode when the file is created. Default `0o600`: an audit log is for its owner only. */
  mode?: number;
  /** Most entries written in one `write` call. Default 512. */
  maxBatch?: number;
}

export interface JsonlFileSink extends AuditSink {
  readonly path: string;
  readonly ordered: true;
  flush(): Promise<void>;
  close(): Promise<void>;
}

type Pending = { line: string; resolve: () => void; reject: (error: unknown) => void };

async function writeAll(handle: FileHandle, data: Buffer): Promise<void> {
  let offset = 0;
  while (offset < data.length) {
    const { bytesWritten } = await handle.write(data, offset, data.length - offset);
    offset += bytesWritten;
  }
}

/**
 * Appends one JSON line per entry to `path` (opened with `'a'`, created if missing). Writes go through
 * one queue in order, in batches; `flush()` resolves after every queued entry is written and
 * fsynced, `close()` after that and the file is closed. A failed batch rejects the writes of its
 * entries (the log reports them through `onError`); later batches are still attempted.
 */
export function jsonlFileSink(path: string, options: JsonlFileSinkOptions = {}): JsonlFileSink {
  const maxBatch = options.maxBatch ?? 512;
  const queue: Pending[] = [];
  let handle: Promise<FileHandle> | undefined;
  let draining: Promise<void> | undefined;
  let closed = false;

  const file = (): Promise<FileHandle> => {
    if (!handle) {
      handle = open(path, 'a', options.mode ?? 0o600);
      handle.catch(() => (handle = undefined)); // retry the open on the next batch
    }
    return handle;
  };

  const drain = async (): Promise<void> => {
    while (queue.length > 0) {
      const batch = queue.splice(0, maxBatch);
      try {
        const fh = await file();
        await writeAll(fh, Buffer.from(batch.map((p) => p.line).join(''), 'utf8'));
        if (options.fsync === 'batch') await fh.sync();
        for (const p of batch) p.resolve();
      } catch (error) {
        for (const p of batch) p.reject(error);
      }
    }
  };

  const kick = (): void => {
    draining ??= drain().finally(() => {
      draining = undefined;
      if (queue.length > 0) kick();
    });
  };

  const flush = async (): Promise<void> => {
    while (draining) await draining;
    if (handle) await (await handle).sync();
  };

  return {
    path,
    ordered: true,
    write(entry: AuditEntry): Promise<void> {
      if (closed) return Promise.reject(new Error(`audit file sink ${path} is closed`));
      return new Promise<void>((resolve, reject) => {
        queue.push({ line: `${JSON.stringify(entry)}\n`, resolve, reject });
        kick();
      });
    },
    flush,
    async close(): Promise<void> {
      closed = true;
      await flush();
      const h = handle;
      handle = undefined;
      if (h) await (await h).close();
    },
  };
}
