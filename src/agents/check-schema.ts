import { InvalidRequestError } from '../core/errors.js';
import { schemaInput } from '../core/tools.js';
import { zodIssues } from '../core/zod-issues.js';

/**
 * The request-time check `router.chat()` makes of tool parameters and response formats, for the
 * schemas of the agent calls, reported under the caller's own names (`tools.lookupOrder.input.properties.q.type`,
 * `schema.type`): a misspelt type, a non-object tool root, a zod schema with no JSON Schema form.
 */
export function checkSchema(schema: unknown, root: 'object' | 'any', path: string): void {
  const parsed = schemaInput(root).safeParse(schema);
  if (parsed.success) return;
  const issues = zodIssues(parsed.error, path);
  throw new InvalidRequestError({
    message: `Invalid request: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
    path: issues[0]?.path ?? path,
    issues,
  });
}
