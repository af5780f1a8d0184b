// The console in a real browser (headless Chromium from Debian, driven by playwright-core): log in, add a
// platform app and a channel, connect the store through the sandbox's OAuth page, watch orders arrive
// (the Shopee platform worker runs in-process), retry a blocked order, open the queues dashboard.
// Screenshots go to test-artifacts/console/.
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { freePort, waitFor } from '@oms/testing';
import { createLogger } from '@oms/logger';
import type { RunningService } from '@oms/queue';
import { startSandbox, type Sandbox } from '@oms/sandbox';
import { runPlatformWorker } from '@oms/platforms';
import { startApi, type Harness } from '../api/helpers';

const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
const ARTIFACTS = path.resolve(import.meta.dirname, '../../test-artifacts/console');

if (!hasChromium) {
  // Visible in the run output: this test did not run, it did not pass.
  console.warn(`SKIPPED test/browser/console.test.ts: ${CHROMIUM} not found (apt-get install -y chromium)`);
}

describe.skipIf(!hasChromium)(
  `console in headless Chromium${hasChromium ? '' : ` — SKIPPED: ${CHROMIUM} not found (apt-get install -y chromium)`}`,
  () => {
    let sandbox: Sandbox;
    let h: Harness;
    let worker: RunningService;
    let browser: BrowserContext;
    let page: Page;
    let base: string;
    let userDataDir: string;
    let shots = 0;
    const shot = async (name: string) => {
      shots += 1;
      await page.screenshot({
        path: path.join(ARTIFACTS, `${String(shots).padStart(2, '0')}-${name}.png`),
        fullPage: true,
      });
    };

    beforeAll(async () => {
      mkdirSync(ARTIFACTS, { recursive: true });
      sandbox = await startSandbox({
        basePort: 0,
        scenario: {
          seed: 11,
          stores: { shopee: 1, cyberbiz: 1, shopline: 1, momo: 1 },
          ordersPerStore: 6,
          statusMix: { paid: 1 },
        },
      });
      // Two of the store's orders come with no items: the worker blocks them as invalid.
      const corrupt = await fetch(`${sandbox.urls.control}/_sandbox/orders/corrupt`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ platform: 'shopee', count: 2, kind: 'missing_items' }),
      });
      expect(corrupt.status).toBe(200);
      const port = await freePort();
      base = `http://127.0.0.1:${port}`;
      h = await startApi('browser', { PUBLIC_URL: base, SYNC_SETTLE_SECONDS: '0' });
      await h.built.app.listen({ port, host: '127.0.0.1' });
      worker = await runPlatformWorker(
        'shopee',
        { ...h.config, HEALTH_PORT: 0 },
        createLogger({ service: 'worker-shopee', level: 'silent' }),
        { defaultHealthPort: 0, exitProcess: false },
      );
      userDataDir = mkdtempSync(path.join(os.tmpdir(), 'oms-chromium-'));
      browser = await chromium.launchPersistentContext(userDataDir, {
        executablePath: CHROMIUM,
        headless: true,
        args: [
          '--no-sandbox',
          '--disable-gpu',
          '--disable-quic',
          '--no-first-run',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
        ],
        viewport: { width: 1400, height: 1000 },
      });
      page = browser.pages()[0] ?? (await browser.newPage());
      page.setDefaultTimeout(20_000);
    }, 120_000);

    afterAll(async () => {
      await browser?.close().catch(() => undefined);
      await worker?.stop('test done').catch(() => undefined);
      await h?.close();
      await sandbox?.close();
      if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
    });

    it('logs in, adds a channel, connects it, sees orders, retries a blocked one, opens the queues', async () => {
      // Log in (the console starts in Traditional Chinese; switch to English for stable labels).
      await page.goto(base);
      expect(await page.locator('#login-form').count()).toBe(1);
      await page.click('#lang');
      await page.fill('#login-key', 'oms_wrong-key-000000000000');
      await page.click('#login-form button[type=submit]');
      await page.waitForSelector('#login-error:has-text("Invalid key")');
      await shot('login-refused');
      await page.fill('#login-key', h.adminKey);
      await page.click('#login-form button[type=submit]');
      await page.waitForSelector('#app-view:not([hidden])');
      await page.waitForSelector('#whoami:has-text("test-admin")');

      // A platform app pointing at the sandbox, then a channel under it.
      const creds = (await (await fetch(`${sandbox.urls.control}/_sandbox/credentials`)).json()) as {
        shopee: { partner_id: number; partner_key: string };
      };
      const pf = page.locator('#platform-form');
      await pf.locator('select[name=kind]').selectOption('shopee');
      await pf.locator('input[name=name]').fill('Shopee (sandbox)');
      await pf.locator('input[name=appId]').fill(String(creds.shopee.partner_id));
      await pf.locator('input[name=appSecret]').fill(creds.shopee.partner_key);
      await pf.locator('input[name=apiHost]').fill(sandbox.urls.shopee);
      await pf.locator('button[type=submit]').click();
      await page.waitForSelector('#channel-form select[name=platformId] option:has-text("Shopee (sandbox)")', {
        state: 'attached',
      });

      const cf = page.locator('#channel-form');
      await cf.locator('input[name=name]').fill('蝦皮旗艦店');
      await cf.locator('input[name=syncIntervalSeconds]').fill('60');
      await cf
        .locator('input[name=syncStartAt]')
        .fill(new Date(Date.now() - 40 * 86400_000).toISOString().slice(0, 10));
      await cf.locator('button[type=submit]').click();
      const row = page.locator('#channels-table tbody tr', { hasText: '蝦皮旗艦店' });
      await row.waitFor();
      expect(await row.getAttribute('data-state')).toBe('needs_reauth');
      await shot('channel-added');

      // Connect: the platform's authorization page, then back to the console.
      await row.locator('[data-action=connect]').click();
      await page.waitForURL((u) => u.toString().startsWith(sandbox.urls.shopee));
      await shot('sandbox-authorize');
      await page.click('#authorize');
      await page.waitForURL((u) => u.toString().startsWith(`${base}/?connected=`));
      await page.waitForSelector('#flash:has-text("Store connected")');
      await page.waitForSelector('#channels-table tbody tr[data-state=active]');
      await shot('connected');

      // Orders arrive (the worker runs the first get-orders the callback queued).
      await page.locator('#order-filter').selectOption('');
      await waitFor(async () => (await page.locator('#orders-table tbody tr').count()) >= 6, {
        timeoutMs: 30_000,
        what: 'orders in the console',
      });
      await shot('orders-arrived');

      // A blocked order: its reason, its detail, and a retry.
      await page.locator('#order-filter').selectOption('blocked');
      const blocked = page.locator('#orders-table tbody tr[data-erp-state=blocked]').first();
      await blocked.waitFor();
      expect(await blocked.textContent()).toMatch(/invalid shopee order/);
      // Two shipments of the order as poll-shipments records them: the second, a later part, is not pushed.
      const blockedOrder = await h.db.order.findUniqueOrThrow({
        where: { id: (await blocked.getAttribute('data-order'))! },
      });
      for (const [i, state] of (['pushed', 'not_pushed'] as const).entries()) {
        await h.db.shipment.create({
          data: {
            orderId: blockedOrder.id,
            channelId: blockedOrder.channelId,
            erpInOutId: 880_001 + i,
            erpDocumentNo: `IO-${i}`,
            carrier: '黑貓宅急便',
            trackingNumber: `TRK${i}`,
            state,
            reason: state === 'not_pushed' ? 'it went with the first iDempiere shipment IO-0' : null,
          },
        });
      }
      // A third, blocked: its iDempiere shipper has no carrier mapping on this store.
      await h.db.shipment.create({
        data: {
          orderId: blockedOrder.id,
          channelId: blockedOrder.channelId,
          erpInOutId: 880_009,
          erpDocumentNo: 'IO-9',
          erpShipperName: 'Kerry TJ',
          trackingNumber: 'TRK9',
          state: 'blocked',
          reason: 'no carrier mapping for shipper "Kerry TJ" on this channel: add it, then retry the shipment',
        },
      });
      await blocked.locator('[data-action=detail]').click();
      await page.waitForSelector('#order-detail:not([hidden])');
      expect(await page.locator('#detail-raw').textContent()).toContain('order_sn');
      // Shipment states in the operator's words, with the reason.
      const shipmentRows = await page.locator('#shipments tbody tr').allTextContents();
      expect(shipmentRows.some((r) => r.includes('TRK0') && r.includes('pushed'))).toBe(true);
      expect(
        shipmentRows.some(
          (r) => r.includes('TRK1') && r.includes('not pushed (an earlier shipment covers it)') && r.includes('IO-0'),
        ),
      ).toBe(true);
      // The blocked shipment's shipper is ready to map: the operator types the platform's carrier and saves.
      expect(await page.locator('#carrier-form input[name=erpShipperName]').inputValue()).toBe('Kerry TJ');
      await page.locator('#carrier-form input[name=platformCarrier]').fill('KERRYTJ');
      await page.locator('#carrier-form button[type=submit]').click();
      await page.waitForSelector('#flash:has-text("Saved")');
      const mapping = await h.db.carrierMapping.findUnique({
        where: { channelId_erpShipperName: { channelId: blockedOrder.channelId, erpShipperName: 'Kerry TJ' } },
      });
      expect(mapping?.platformCarrier).toBe('KERRYTJ');
      await shot('blocked-order-detail');
      const orderId = await blocked.getAttribute('data-order');
      await blocked.locator('[data-action=retry]').click();
      await page.waitForSelector('#flash:has-text("Queued")');
      // The retry asked for the order again: a fetch-order job for it ran or waits.
      const order = await h.db.order.findUniqueOrThrow({ where: { id: orderId! } });
      await waitFor(
        async () => {
          const jobs = await h.queues
            .get('platform-shopee')
            .getJobs(['waiting', 'active', 'completed', 'failed', 'delayed']);
          return jobs.some((j) => j.name === 'fetch-order' && j.data.externalId === order.externalId);
        },
        { what: 'the fetch-order job of the retried order' },
      );
      await shot('retried');

      // Chinese labels.
      await page.click('#lang');
      await page.waitForSelector('h2:has-text("通路")');
      await shot('zh-tw');

      // The queues dashboard, on the console's cookie.
      await page.goto(`${base}/admin/queues`);
      await page.waitForSelector('text=platform-shopee');
      await page.goto(`${base}/admin/queues/queue/platform-shopee?status=completed`);
      await page.waitForSelector('text=get-orders');
      await shot('queues');
      expect(shots).toBeGreaterThanOrEqual(8);
    }, 120_000);
  },
);
