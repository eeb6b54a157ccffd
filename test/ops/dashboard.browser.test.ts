import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDemo, type Demo } from '../../examples/admin-server.js';

// Debian's chromium (installed by .ci/run); CHROMIUM_PATH overrides. Without it the test skips
// locally and fails in CI.
const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const haveBrowser = existsSync(executablePath);
if (!haveBrowser && process.env.CI === 'true')
  throw new Error(`CI: no Chromium at ${executablePath} (set CHROMIUM_PATH or install Debian's chromium)`);
const artifacts = join(root, '.tmp', 'artifacts');

const basic = (user: string) => `Basic ${Buffer.from(`${user}:${user}`).toString('base64')}`;

describe.skipIf(!haveBrowser)('admin dashboard in headless Chromium', () => {
  let demo: Demo;
  let server: Server;
  let url = '';
  let browser: Browser;
  const problems: string[] = [];

  const open = async (user: string): Promise<{ context: BrowserContext; page: Page }> => {
    const context = await browser.newContext({
      httpCredentials: { username: user, password: user },
      viewport: { width: 1440, height: 1000 },
      deviceScaleFactor: 1,
    });
    const page = await context.newPage();
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(`${user} console ${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`${user} page error: ${e.message}`));
    page.on('requestfailed', (r) => problems.push(`${user} request failed: ${r.url()}`));
    await page.goto(url);
    await page.waitForSelector('.prov');
    return { context, page };
  };
  const api = async (user: string, path: string, init: RequestInit = {}) => {
    const res = await fetch(url + path, {
      ...init,
      headers: { authorization: basic(user), ...(init.headers as Record<string, string> | undefined) },
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  beforeAll(async () => {
    mkdirSync(artifacts, { recursive: true });
    demo = createDemo({ sampleMs: 400, refreshMs: 300 });
    server = createServer((req, res) => demo.admin.node(req, res));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    // Traffic with an incident: deepseek fails, its breaker opens, routes fall back; budgets fill.
    const traffic = demo.traffic(15);
    await new Promise((r) => setTimeout(r, 1_500));
    demo.incident(true);
    await new Promise((r) => setTimeout(r, 2_000));
    demo.incident(false);
    await new Promise((r) => setTimeout(r, 1_500));
    traffic.stop();
    await new Promise((r) => setTimeout(r, 300));
    browser = await chromium.launch({ executablePath, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    server?.close();
    await demo?.close();
  });

  it('loads with no console errors and shows the example providers, charts, budgets and timeline; a screenshot is saved', async () => {
    const { context, page } = await open('admin');
    const names = await page.$$eval('.prov .name', (els) => els.map((e) => e.textContent));
    expect(names).toEqual(['openai', 'anthropic', 'deepseek', 'local']);
    await page.waitForSelector('#c-lat path');
    await page.waitForSelector('#c-spend path');
    expect(await page.$$eval('#budgets .budget', (els) => els.length)).toBeGreaterThanOrEqual(3);
    expect(await page.textContent('#timeline')).toMatch(/fallback/);
    expect(await page.textContent('#who')).toContain('Admin');
    await page.waitForTimeout(700);
    const shot = join(artifacts, 'dashboard-admin.png');
    await page.screenshot({ path: shot, fullPage: true });
    if (process.env.SWITCHYARD_DOCS_SCREENSHOTS === '1') copyFileSync(shot, join(root, 'docs', 'images', 'admin-dashboard.png'));
    await context.close();
    expect(problems).toEqual([]);
  }, 60_000);

  it('a disable click takes the provider out of rotation: the next routed request goes elsewhere, and the audit trail names the actor', async () => {
    const before = await demo.router.chat({
      messages: [{ role: 'user', content: 'where is my order?' }],
      tenant: 'initech',
      agent: 'support',
    });
    // openai's gpt-mini leads the default route (the mock fails 3% of calls, so the serving model is not asserted).
    expect(before.route.candidates[0]).toBe('gpt-mini');
    const { context, page } = await open('admin');
    await page.click('.prov[data-provider="openai"] button[data-act="disable"]');
    await page.waitForSelector('.prov.disabled[data-provider="openai"]');
    const after = await demo.router.chat({
      messages: [{ role: 'user', content: 'where is my order?' }],
      tenant: 'initech',
      agent: 'support',
    });
    expect(after.route.provider).not.toBe('openai');
    expect(after.route.candidates).not.toContain('gpt-mini');
    expect(after.route.attempts.map((a) => a.provider)).not.toContain('openai');
    expect(after.route.skipped).toContainEqual(expect.objectContaining({ model: 'gpt-mini', reason: 'disabled' }));
    const events = (await api('admin', 'events')).body.events as Array<Record<string, unknown>>;
    expect(events).toContainEqual(expect.objectContaining({ kind: 'control', action: 'disable', target: 'openai', actor: 'admin' }));
    await page.click('.prov[data-provider="openai"] button[data-act="enable"]');
    await page.waitForSelector('.prov:not(.disabled)[data-provider="openai"] button[data-act="disable"]');
    expect(
      (await demo.router.chat({ messages: [{ role: 'user', content: 'again' }], tenant: 'initech', agent: 'support' })).route.candidates[0],
    ).toBe('gpt-mini');
    await context.close();
    expect(problems).toEqual([]);
  }, 60_000);

  it('a tenant admin sees and acts on its own tenant only, in the page and at the JSON endpoints', async () => {
    const { context, page } = await open('acme');
    expect(await page.$$eval('#scope option', (els) => els.map((e) => (e as unknown as { value: string }).value))).toEqual(['acme']);
    expect(await page.$$('button[data-act="disable"]')).toHaveLength(0);
    expect(await page.textContent('#timeline')).not.toMatch(/globex|initech/);
    expect(await page.$$eval('#budgets .budget b', (els) => els.map((e) => e.textContent))).toEqual(['acme-day']);
    // Force claude-sonnet for acme from the page: acme's next request goes there, globex's does not.
    await page.click('.prov[data-provider="anthropic"] button[data-act="force"]');
    await page.waitForSelector('.forced');
    expect(await page.textContent('.forced')).toContain('claude-sonnet');
    const shot = join(artifacts, 'dashboard-tenant-admin.png');
    await page.screenshot({ path: shot, fullPage: true });
    if (process.env.SWITCHYARD_DOCS_SCREENSHOTS === '1') copyFileSync(shot, join(root, 'docs', 'images', 'admin-dashboard-tenant.png'));
    const acme = await demo.router
      .chat({ messages: [{ role: 'user', content: 'hi' }], tenant: 'acme', agent: 'support' })
      .catch((e: Error) => e);
    // acme may already be over its budget: then the refusal names acme's budget, never another tenant's model.
    if (acme instanceof Error) expect(acme.name).toBe('BudgetExceededError');
    else expect(acme.route.candidates[0]).toBe('claude-sonnet');
    expect(
      (await demo.router.chat({ messages: [{ role: 'user', content: 'hi' }], tenant: 'globex', agent: 'support' })).route.candidates[0],
    ).not.toBe('claude-sonnet');

    const post = (user: string, path: string, body: unknown) =>
      api(user, path, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-switchyard-admin': '1' },
        body: JSON.stringify(body),
      });
    expect((await api('acme', 'providers/costs/summary?tenant=globex')).status).toBe(403);
    expect((await api('acme', 'api/overview?tenant=globex')).status).toBe(403);
    const own = await api('acme', 'providers/costs/summary?by=tenant');
    expect((own.body.rows as Array<{ group: { tenant: string } }>).map((r) => r.group.tenant)).toEqual(['acme']);
    expect((await post('acme', 'controls/force', { model: 'llama', tenant: 'globex' })).status).toBe(403);
    expect((await post('acme', 'controls/disable', { target: 'openai' })).status).toBe(403);
    expect((await post('acme', 'providers/health/openai/reset', {})).status).toBe(403);
    expect((await post('monitor', 'controls/unforce', {})).status).toBe(403);
    expect((await post('acme', 'controls/unforce', {})).status).toBe(200);
    const exported = await fetch(`${url}providers/costs/export?format=csv`, { headers: { authorization: basic('acme') } });
    const rows = (await exported.text()).trim().split('\n').slice(1);
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((r) => r.includes(',acme,'))).toBe(true);
    await context.close();
    expect(problems).toEqual([]);
  }, 60_000);
});
