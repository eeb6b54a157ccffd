import type { IncomingMessage, ServerResponse } from 'node:http';
import { InvalidRequestError, SwitchyardError } from '../core/errors.js';
import type { SummaryKey, UsageFilter } from '../accounting/reports/query.js';
import type { Router } from '../routing/router.js';
import { dashboardHtml } from './dashboard.js';
import { dict, Recorder, type Bucket, type ModelSample, type TenantSample, type TimelineEntry } from './recorder.js';
import type { AdminOptions, AdminPrincipal } from './types.js';
import { budgetViews, configurationView } from './views.js';

export interface AdminHandler {
  /** For `fetch`-style servers (Hono, Next route handlers, Deno, Bun). Answers 404 outside `basePath`. */
  fetch(request: Request): Promise<Response>;
  /**
   * For Node's `http` server and Express/Connect: `(req, res, next?)`. Outside `basePath` it calls
   * `next()` (or answers 404 without one). A body already parsed by a framework (`req.body`) is used.
   */
  node(req: IncomingMessage & { body?: unknown }, res: ServerResponse, next?: (error?: unknown) => void): void;
  /** Stops recording the router's events. */
  close(): void;
}

/** An answer with a status: thrown by the routes, turned into JSON by the handler. */
class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly path?: string,
  ) {
    super(message);
  }
}

const bad = (path: string, message: string) => new HttpError(400, 'invalid-request', `${path}: ${message}`, path);
const forbidden = (message: string) => new HttpError(403, 'forbidden', message);

const JSON_HEADERS = {
  'content-type': 'application/json; charset=utf-8',
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
};

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: JSON_HEADERS });
}

const SUMMARY_KEYS = new Set(['tenant', 'user', 'agent', 'model', 'provider', 'providerModel', 'day', 'hour', 'month']);
const FILTERS = ['since', 'until', 'tenant', 'user', 'agent', 'model', 'provider'] as const;
const NAME = /^[\w.:@/+-]{1,200}$/u;

/** The tenant a principal is confined to (`undefined`: every tenant). */
function confinedTo(p: AdminPrincipal): string | undefined {
  return p.role === 'admin' ? undefined : p.tenant;
}

/** The tenant a request looks at: `?tenant=` for whoever may choose, else the principal's own. */
function scopeOf(p: AdminPrincipal, url: URL): string | undefined {
  const asked = url.searchParams.get('tenant') ?? undefined;
  const own = confinedTo(p);
  if (asked !== undefined && !NAME.test(asked)) throw bad('tenant', 'must be a tenant id');
  if (own !== undefined && asked !== undefined && asked !== own) throw forbidden(`This principal may only see tenant "${own}"`);
  return own ?? asked;
}

function isPrincipal(p: unknown): p is AdminPrincipal {
  if (typeof p !== 'object' || p === null) return false;
  const o = p as Record<string, unknown>;
  if (typeof o.actor !== 'string') return false;
  if (o.role === 'admin') return true;
  if (o.role === 'tenant-admin') return typeof o.tenant === 'string';
  return o.role === 'monitor' && (o.tenant === undefined || typeof o.tenant === 'string');
}

function usageFilter(url: URL, tenant: string | undefined): UsageFilter {
  const f: Record<string, string> = {};
  for (const k of FILTERS) {
    const v = url.searchParams.get(k);
    if (v !== null) f[k] = v;
  }
  if (tenant !== undefined) f.tenant = tenant;
  return f as UsageFilter;
}

function summaryBy(url: URL): SummaryKey[] | undefined {
  const raw = url.searchParams.get('by');
  if (raw === null || raw === '') return undefined;
  const keys = raw.split(',');
  keys.forEach((k, i) => {
    if (!SUMMARY_KEYS.has(k)) throw bad(`by[${i}]`, `must be one of ${[...SUMMARY_KEYS].join(', ')}`);
  });
  return keys as SummaryKey[];
}

function field(body: Record<string, unknown>, name: string, required: boolean): string | undefined {
  const v = body[name];
  if (v === undefined && !required) return undefined;
  if (typeof v !== 'string' || !NAME.test(v))
    throw bad(name, required && v === undefined ? 'is required' : 'must be a name of 1 to 200 letters, digits or ._:@/+-');
  return v;
}

/** The merged tenant view of the dashboard's time series. */
function seriesFor(buckets: Bucket[], tenant: string | undefined) {
  return buckets.map((b) => {
    const parts: Array<[string, TenantSample]> = Object.entries(b.tenants).filter(([t]) => tenant === undefined || t === tenant);
    const models = dict<ModelSample>();
    const spend = { byTenant: dict<number>(), byModel: dict<number>(), byAgent: dict<number>() };
    let requests = 0;
    let errors = 0;
    let fallbacks = 0;
    for (const [t, s] of parts) {
      requests += s.requests;
      errors += s.errors;
      fallbacks += s.fallbacks;
      for (const [m, v] of Object.entries(s.models)) {
        const into = (models[m] ??= { n: 0, err: 0, ok: 0, latencyMs: 0 });
        into.n += v.n;
        into.err += v.err;
        into.ok += v.ok;
        into.latencyMs += v.latencyMs;
      }
      let total = 0;
      for (const [m, v] of Object.entries(s.spendByModel)) {
        spend.byModel[m] = (spend.byModel[m] ?? 0) + v;
        total += v;
      }
      for (const [a, v] of Object.entries(s.spendByAgent)) spend.byAgent[a] = (spend.byAgent[a] ?? 0) + v;
      spend.byTenant[t] = (spend.byTenant[t] ?? 0) + total;
    }
    return { t: b.t, requests, errors, fallbacks, models, spend };
  });
}

/** Which timeline entries a tenant-confined principal sees: its own, and router-wide controls and breaker changes of its models. */
function visible(e: TimelineEntry, tenant: string | undefined, models: ReadonlySet<string>): boolean {
  if (tenant === undefined) return true;
  switch (e.kind) {
    case 'breaker':
      return models.has(e.model);
    case 'control':
      return e.tenant === tenant || (e.tenant === undefined && e.action !== 'tenant-set' && e.action !== 'tenant-remove');
    default:
      return e.tenant === tenant;
  }
}

/**
 * The admin HTTP API and dashboard for a router. Every request is authenticated by `authorize`;
 * every answer is JSON (or the page, or CSV); no input reaches a 500.
 */
export function createAdminHandler(router: Router, options: AdminOptions): AdminHandler {
  if (typeof options?.authorize !== 'function')
    throw new InvalidRequestError({ path: 'authorize', message: 'createAdminHandler: `authorize` must be a function' });
  const base = (options.basePath ?? '').replace(/\/+$/, '');
  const csrfHeader = (options.csrfHeader ?? 'x-switchyard-admin').toLowerCase();
  const allowedOrigins = new Set(options.allowedOrigins ?? []);
  const maxBody = options.maxBodyBytes ?? 16 * 1024;
  const refreshMs = options.refreshMs ?? 2_000;
  const recorder = new Recorder(router, options.sampleMs ?? 10_000, options.samples ?? 90);
  const page = dashboardHtml({ refreshMs, csrfHeader });

  // A tenant without its own configuration is served by the default scope: its health is that scope's.
  const healthOf = (tenant: string | undefined) => router.health(tenant !== undefined ? { tenant } : {});
  /** Configured tenants and the ones seen in traffic (bounded by the recorder). */
  const knownTenants = () => {
    const seen = new Set(router.tenants.list());
    for (const b of recorder.buckets) for (const t of Object.keys(b.tenants)) if (t !== '' && t !== '__other__') seen.add(t);
    return [...seen].sort();
  };

  const guardPost = (request: Request, url: URL, p: AdminPrincipal) => {
    if (!request.headers.has(csrfHeader)) throw new HttpError(403, 'csrf', `POST requires the ${csrfHeader} header`);
    const origin = request.headers.get('origin');
    if (origin !== null && origin !== url.origin && !allowedOrigins.has(origin))
      throw new HttpError(403, 'csrf', `Origin ${origin} may not POST here`);
    if (request.headers.get('sec-fetch-site') === 'cross-site' && (origin === null || !allowedOrigins.has(origin)))
      throw new HttpError(403, 'csrf', 'Cross-site POST refused');
    if (p.role === 'monitor') throw forbidden('A monitor may not use controls');
  };

  const readBody = async (request: Request): Promise<Record<string, unknown>> => {
    const declared = Number(request.headers.get('content-length') ?? 0);
    if (declared > maxBody) throw new HttpError(413, 'too-large', `Body larger than ${maxBody} bytes`, 'body');
    const text = await request.text();
    if (text.length > maxBody) throw new HttpError(413, 'too-large', `Body larger than ${maxBody} bytes`, 'body');
    if (text.trim() === '') return {};
    const type = request.headers.get('content-type') ?? '';
    if (!type.toLowerCase().startsWith('application/json')) throw bad('body', 'must be JSON (content-type: application/json)');
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw bad('body', 'is not valid JSON');
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw bad('body', 'must be a JSON object');
    return parsed as Record<string, unknown>;
  };

  const adminOnly = (p: AdminPrincipal, what: string) => {
    if (p.role !== 'admin') throw forbidden(`${what} acts on every tenant: admin only`);
  };

  /** Force/unforce: an admin for anyone; a tenant admin for its own tenant only. */
  const tenantForControl = (p: AdminPrincipal, asked: string | undefined): string | undefined => {
    if (p.role === 'admin') return asked;
    const own = confinedTo(p)!;
    if (asked !== undefined && asked !== own) throw forbidden(`This principal may only act on tenant "${own}"`);
    return own;
  };

  const overview = async (p: AdminPrincipal, url: URL) => {
    const tenant = scopeOf(p, url);
    const health = healthOf(tenant);
    const models = new Set(Object.keys(health.models));
    const since = Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), new Date().getUTCDate());
    const today = await router.costs.summary({ since, ...(tenant !== undefined && { tenant }) });
    const forced: Record<string, string> = {};
    for (const [t, m] of recorder.forced) if (tenant === undefined || t === tenant || t === '') forced[t === '' ? '*' : t] = m;
    return {
      me: p,
      now: Date.now(),
      scope: tenant ?? null,
      tenants: confinedTo(p) !== undefined ? [confinedTo(p)] : knownTenants(),
      health,
      forced,
      today: today.total,
      sampleMs: recorder.sampleMs,
      series: seriesFor(recorder.buckets, tenant),
      timeline: recorder.timeline.filter((e) => visible(e, tenant, models)).slice(-100),
      budgets: await budgetViews(router, options.config, recorder, tenant, Date.now()),
    };
  };

  const route = async (request: Request, url: URL, path: string, p: AdminPrincipal): Promise<Response> => {
    const method = request.method.toUpperCase();
    const get = method === 'GET' || method === 'HEAD';
    const seg = path.split('/').filter(Boolean);
    const is = (...parts: string[]) => seg.length === parts.length && parts.every((x, i) => x === '*' || x === seg[i]);

    if (is()) {
      if (!get) throw new HttpError(405, 'method-not-allowed', 'GET only');
      return new Response(page, {
        headers: {
          'content-type': 'text/html; charset=utf-8',
          'cache-control': 'no-store',
          // Everything is inline: nothing may load from elsewhere, and the page may not be framed.
          'content-security-policy':
            "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; img-src data:; frame-ancestors 'none'",
          'x-frame-options': 'DENY',
        },
      });
    }
    if (get) {
      if (is('api', 'me')) return json(200, p);
      if (is('api', 'overview')) return json(200, await overview(p, url));
      if (is('providers', 'health')) {
        const tenant = scopeOf(p, url);
        return json(200, { scope: tenant ?? null, ...healthOf(tenant) });
      }
      if (is('providers', 'costs', 'summary')) {
        const by = summaryBy(url);
        return json(200, await router.costs.summary({ ...usageFilter(url, scopeOf(p, url)), ...(by && { by }) }));
      }
      if (is('providers', 'costs', 'stats')) {
        const filter = usageFilter(url, scopeOf(p, url));
        const [byModel, byProvider, byDay] = await Promise.all([
          router.costs.summary({ ...filter, by: ['model'] }),
          router.costs.summary({ ...filter, by: ['provider'] }),
          router.costs.summary({ ...filter, by: ['day'] }),
        ]);
        const health = healthOf(scopeOf(p, url));
        const models = byModel.rows.map((r) => {
          const h = Object.hasOwn(health.models, String(r.group.model)) ? health.models[String(r.group.model)] : undefined;
          return {
            ...r,
            ...(h && {
              live: {
                state: h.state,
                latencyMs: h.latencyMs ?? null,
                ttftMs: h.ttftMs ?? null,
                errorRate: h.errorRate,
                inFlight: h.inFlight,
              },
            }),
          };
        });
        return json(200, { total: byModel.total, models, providers: byProvider.rows, days: byDay.rows });
      }
      if (is('providers', 'costs', 'export')) {
        const format = url.searchParams.get('format') ?? 'json';
        if (format !== 'json' && format !== 'csv') throw bad('format', 'must be json or csv');
        const limitRaw = url.searchParams.get('limit');
        const limit = limitRaw === null ? undefined : Number(limitRaw);
        if (limit !== undefined && !(Number.isInteger(limit) && limit > 0)) throw bad('limit', 'must be a positive integer');
        const body = await router.costs.export({ ...usageFilter(url, scopeOf(p, url)), format, ...(limit !== undefined && { limit }) });
        return new Response(body, {
          headers: {
            'content-type': format === 'csv' ? 'text/csv; charset=utf-8' : 'application/json; charset=utf-8',
            'content-disposition': `attachment; filename="switchyard-usage.${format}"`,
            'cache-control': 'no-store',
          },
        });
      }
      if (is('providers', 'configuration')) return json(200, configurationView(router, options.config, scopeOf(p, url)));
      if (is('budgets')) {
        const tenant = scopeOf(p, url);
        return json(200, { budgets: await budgetViews(router, options.config, recorder, tenant, Date.now()) });
      }
      if (is('events')) {
        const tenant = scopeOf(p, url);
        const models = new Set(Object.keys(healthOf(tenant).models));
        return json(200, { events: recorder.timeline.filter((e) => visible(e, tenant, models)) });
      }
    }
    if (method === 'POST') {
      const posts = is('providers', 'health', '*', 'reset') || (seg[0] === 'controls' && seg.length === 2);
      if (!posts) throw new HttpError(404, 'not-found', `No such endpoint: ${method} ${path}`);
      guardPost(request, url, p);
      const body = await readBody(request);
      const actor = { actor: p.actor };
      if (seg[0] === 'providers') {
        adminOnly(p, 'A breaker reset');
        const target = decodeURIComponent(seg[2]!);
        if (!NAME.test(target)) throw bad('provider', 'must be a provider or model name');
        const health = router.health();
        const models = Object.hasOwn(health.providers, target)
          ? health.providers[target]!.models
          : Object.hasOwn(health.models, target)
            ? [target]
            : undefined;
        if (!models) throw new HttpError(404, 'not-found', `Unknown provider or model "${target}"`, 'provider');
        for (const m of models) router.resetBreaker(m, actor);
        return json(200, { ok: true, reset: models });
      }
      switch (seg[1]) {
        case 'disable':
        case 'enable': {
          adminOnly(p, seg[1] === 'disable' ? 'Disabling' : 'Enabling');
          const target = field(body, 'target', true)!;
          if (seg[1] === 'disable') router.disable(target, actor);
          else router.enable(target, actor);
          return json(200, { ok: true, action: seg[1], target });
        }
        case 'reset': {
          adminOnly(p, 'A breaker reset');
          const model = field(body, 'model', true)!;
          router.resetBreaker(model, actor);
          return json(200, { ok: true, action: 'reset-breaker', target: model });
        }
        case 'force': {
          const model = field(body, 'model', true)!;
          const tenant = tenantForControl(p, field(body, 'tenant', false));
          router.force(model, { ...actor, ...(tenant !== undefined && { tenant }) });
          return json(200, { ok: true, action: 'force', target: model, tenant: tenant ?? null });
        }
        case 'unforce': {
          const tenant = tenantForControl(p, field(body, 'tenant', false));
          router.unforce({ ...actor, ...(tenant !== undefined && { tenant }) });
          return json(200, { ok: true, action: 'unforce', tenant: tenant ?? null });
        }
        default:
          throw new HttpError(404, 'not-found', `No such control: ${seg[1]}`);
      }
    }
    const known =
      ['api/me', 'api/overview', 'providers/health', 'providers/configuration', 'budgets', 'events'].includes(seg.join('/')) ||
      (seg[0] === 'providers' && seg[1] === 'costs');
    throw known
      ? new HttpError(405, 'method-not-allowed', `${method} not allowed here`)
      : new HttpError(404, 'not-found', `No such endpoint: ${method} ${path}`);
  };

  const fetchHandler = async (request: Request): Promise<Response> => {
    let url: URL;
    try {
      url = new URL(request.url);
    } catch {
      return json(400, { error: { code: 'invalid-request', path: 'url', message: 'Unparsable URL' } });
    }
    let path = url.pathname;
    if (base !== '') {
      if (path === base) return new Response(null, { status: 308, headers: { location: `${base}/${url.search}` } });
      if (!path.startsWith(`${base}/`)) return json(404, { error: { code: 'not-found', message: 'Not under the admin path' } });
      path = path.slice(base.length);
    }
    try {
      let principal: unknown;
      try {
        principal = await options.authorize(request);
      } catch {
        principal = undefined;
      }
      if (principal === undefined || principal === null) {
        const res = json(401, { error: { code: 'unauthenticated', message: 'Authentication required' } });
        if (options.challenge !== undefined) res.headers.set('www-authenticate', options.challenge);
        return res;
      }
      if (!isPrincipal(principal)) return json(403, { error: { code: 'forbidden', message: 'authorize() returned no valid role' } });
      return await route(request, url, path, principal);
    } catch (error) {
      if (error instanceof HttpError)
        return json(error.status, {
          error: { code: error.code, message: error.message, ...(error.path !== undefined && { path: error.path }) },
        });
      if (InvalidRequestError.isInstance(error))
        return json(400, { error: { code: 'invalid-request', message: error.message, path: error.path ?? 'body', issues: error.issues } });
      if (SwitchyardError.isInstance(error)) return json(409, { error: { code: error.code, message: error.message } });
      if (error instanceof URIError)
        return json(400, { error: { code: 'invalid-request', path: 'url', message: 'Malformed percent-encoding' } });
      return json(500, { error: { code: 'internal', message: 'Internal error' } });
    }
  };

  return {
    fetch: fetchHandler,
    node(req, res, next) {
      const host = req.headers.host ?? 'localhost';
      const proto = (req.socket as { encrypted?: boolean }).encrypted ? 'https' : 'http';
      let url: URL;
      try {
        url = new URL(req.url ?? '/', `${proto}://${host}`);
      } catch {
        url = new URL('http://localhost/');
      }
      if (base !== '' && url.pathname !== base && !url.pathname.startsWith(`${base}/`) && next) {
        next();
        return;
      }
      const send = (response: Response) =>
        response.arrayBuffer().then((buf) => {
          res.statusCode = response.status;
          response.headers.forEach((value, name) => res.setHeader(name, value));
          res.end(req.method === 'HEAD' ? undefined : Buffer.from(buf));
        });
      const fail = (error: unknown) => {
        if (!res.headersSent) {
          res.statusCode = 500;
          res.end();
        }
        next?.(error);
      };
      const headers = new Headers();
      for (const [name, value] of Object.entries(req.headers)) {
        if (value === undefined) continue;
        for (const v of Array.isArray(value) ? value : [value]) headers.append(name, v);
      }
      const method = req.method ?? 'GET';
      const build = (body: string | undefined) =>
        fetchHandler(new Request(url, { method, headers, ...(body !== undefined && method !== 'GET' && method !== 'HEAD' && { body }) }));
      if (req.body !== undefined) {
        // A framework (Express with express.json(), Fastify) already read the body.
        build(typeof req.body === 'string' ? req.body : JSON.stringify(req.body)).then(send, fail);
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      let tooLarge = false;
      req.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > maxBody) tooLarge = true;
        else chunks.push(chunk);
      });
      req.on('error', fail);
      req.on('end', () => {
        if (tooLarge) {
          send(json(413, { error: { code: 'too-large', path: 'body', message: `Body larger than ${maxBody} bytes` } })).catch(fail);
          return;
        }
        build(chunks.length > 0 ? Buffer.concat(chunks).toString('utf8') : undefined).then(send, fail);
      });
    },
    close: () => recorder.close(),
  };
}
