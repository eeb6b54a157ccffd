import { readFile } from 'node:fs/promises';

/**
 * Reads a JSON Lines audit file. Each line is parsed; a line that is not JSON throws with its line
 * number (a torn last line after a crash included: truncate it after inspection). Pass the result to
 * `verifyAuditLog`, or to `auditHeads` to resume the chains after a restart.
 */
export async function readAuditFile(path: string): Promise<unknown[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const entries: unknown[] = [];
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    try {
      entries.push(JSON.parse(line));
    } catch {
      throw new SyntaxError(`${path}:${i + 1}: not a JSON line`);
    }
  });
  return entries;
}
