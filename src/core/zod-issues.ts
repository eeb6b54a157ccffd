import type { z } from 'zod';

/** `['messages', 2, 'content']` -> `messages[2].content` */
export function formatPath(path: ReadonlyArray<PropertyKey>, prefix = ''): string {
  let out = prefix;
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out;
}

export function zodIssues(error: z.ZodError, prefix = ''): Array<{ path: string; message: string }> {
  const out: Array<{ path: string; message: string }> = [];
  for (const issue of error.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) out.push({ path: formatPath([...issue.path, key], prefix), message: 'unknown field' });
    } else if (issue.code === 'invalid_key') {
      // A bad record key: the key itself is the problem, so report at the record, with the key's own message.
      const inner = issue.issues[0]?.message ?? issue.message;
      const keyless =
        issue.path.length > 0 && typeof issue.path[issue.path.length - 1] === 'string' && issue.path[issue.path.length - 1] === ''
          ? issue.path.slice(0, -1)
          : issue.path;
      out.push({ path: formatPath(keyless, prefix), message: inner });
    } else if (issue.code === 'invalid_union' && issue.errors.length > 0) {
      // Report the branch that got furthest rather than "invalid input".
      const best = issue.errors.reduce((a, b) => (depth(b) > depth(a) ? b : a));
      out.push(...zodIssues({ issues: best } as z.ZodError, formatPath(issue.path, prefix)));
    } else {
      out.push({ path: formatPath(issue.path, prefix), message: issue.message });
    }
  }
  return out;
}

function depth(issues: ReadonlyArray<z.core.$ZodIssue>): number {
  return issues.reduce((d, i) => Math.max(d, i.path.length), 0) - issues.length / 100;
}
