/** A location in a configuration object: property names and array indices. */
export type PathSegment = string | number;

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** `providers.gpt.headers["x-api-key"]`, `tenants[2].apiKey`; `(root)` for the empty path. */
export function formatPath(path: ReadonlyArray<PathSegment>): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (IDENTIFIER.test(segment)) out += out ? `.${segment}` : segment;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out || '(root)';
}

/** Unambiguous encoding of a path for authenticated data (array indices stay numbers). */
export function encodePath(path: ReadonlyArray<PathSegment>): string {
  return JSON.stringify(path);
}

/** Property names (case-insensitive) whose value is a credential, at any depth. */
export const CREDENTIAL_FIELDS: ReadonlySet<string> = new Set(['apikey', 'key', 'secret', 'password', 'token', 'authorization']);

/** Header names (case-insensitive) whose value is a credential, inside a `headers` object. */
export const CREDENTIAL_HEADERS: ReadonlySet<string> = new Set([
  'authorization',
  'proxy-authorization',
  'x-api-key',
  'x-goog-api-key',
  'api-key',
]);

/** Decides whether the value at `path` (its last segment is `name`) is a credential. */
export function isCredentialPath(path: ReadonlyArray<PathSegment>, extraFields: ReadonlySet<string>): boolean {
  const name = path[path.length - 1];
  if (typeof name !== 'string') return false;
  const lower = name.toLowerCase();
  if (CREDENTIAL_FIELDS.has(lower) || extraFields.has(lower)) return true;
  const parent = path[path.length - 2];
  return typeof parent === 'string' && parent.toLowerCase() === 'headers' && CREDENTIAL_HEADERS.has(lower);
}
