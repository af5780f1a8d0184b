// pnpm demo: the whole OMS against the sandbox, with live progress, until Ctrl-C.
// Migrates a database of its own (oms_demo), seeds four platforms' stores, provisions the channels,
// starts every service, ships some orders in iDempiere once they are written, and shows it all arrive.
import path from 'node:path';
import { parseConfig } from '@oms/config';
import { ROOT } from './processes';
import { progress, settled, startStack, type PlatformProgress } from './stack';

const config = parseConfig(process.env);
const STORES = Number(process.env.DEMO_STORES_PER_PLATFORM ?? 3);
const ORDERS = Number(process.env.DEMO_ORDERS_PER_STORE ?? 250);
const now = Date.now();

const COLUMNS = ['in store', 'fetched', 'in ERP', 'blocked', 'waiting', 'queued', 'shipped'];
const HEADER = 'platform'.padEnd(9) + COLUMNS.map((c) => c.padStart(9)).join('');

function line(p: PlatformProgress): string {
  const s = p.byErpState;
  const cells = [
    p.inPlatform,
    p.fetched,
    s.written,
    s.blocked,
    s.waiting,
    (s.pending ?? 0) + (s.writing ?? 0),
    p.shipmentsPushed,
  ];
  return p.platform.padEnd(9) + cells.map((v) => String(v ?? 0).padStart(9)).join('');
}

async function main() {
  const logDir = path.join(ROOT, '.bench/demo-logs');
  console.log('OMS demo: migrating, seeding the sandbox, provisioning stores…');
  const stack = await startStack({
    databaseName: 'oms_demo',
    queuePrefix: 'oms-demo',
    sandboxPort: config.SANDBOX_PORT,
    apiPort: config.API_PORT,
    logDir,
    scenario: {
      seed: 42,
      stores: { shopee: STORES, cyberbiz: STORES, shopline: STORES, momo: STORES },
      ordersPerStore: ORDERS,
      from: new Date(now - 30 * 86_400_000).toISOString(),
      to: new Date(now - 60_000).toISOString(),
      unknownSkuShare: 0.03,
    },
  });
  let stopping = false;
  const shutdown = async () => {
    if (stopping) return;
    stopping = true;
    console.log('\nstopping every service…');
    await stack.stop();
    process.exit(0);
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);

  console.log(`starting ${stack.services.map((s) => s.name).join(', ')} (logs in ${path.relative(ROOT, logDir)}/)`);
  await stack.startServices();
  const apiKey = await createDemoKey(stack);

  console.log(`\n${HEADER}`);
  const started = Date.now();
  let shipped = false;
  let calm = 0;
  let previous: Awaited<ReturnType<typeof progress>> | undefined;
  let drawn = 0;
  while (!stopping) {
    const p = await progress(stack);
    const text =
      p.platforms.map(line).join('\n') +
      `\n  iDempiere orders: ${p.idempiereOrders}, overlapping writes: ${p.overlappingWrites}, ${Math.round((Date.now() - started) / 1000)} s`;
    // Redraw in place on a terminal; one block per look otherwise (logs, CI).
    if (process.stdout.isTTY && drawn) process.stdout.write(`\x1b[${drawn}A\x1b[J`);
    console.log(text);
    drawn = process.stdout.isTTY ? text.split('\n').length : 0;
    if (settled(p, previous)) {
      calm++;
      if (!shipped && calm >= 2) {
        // The warehouse ships a fifth of what was written; the ERP writer sees the shipments and the workers push them.
        const shippedCount = await shipSome(stack, 0.2);
        console.log(`warehouse shipped ${shippedCount} orders in iDempiere; pushing them to the platforms…`);
        drawn = 0;
        shipped = true;
        calm = 0;
      } else if (shipped && calm >= 4) break;
    } else calm = 0;
    previous = p;
    await new Promise((r) => setTimeout(r, 2_000));
  }
  const p = await progress(stack);
  console.log('Summary');
  console.log(HEADER);
  console.log(p.platforms.map(line).join('\n'));
  console.log(`\niDempiere holds ${p.idempiereOrders} sales orders; overlapping writes: ${p.overlappingWrites}.`);
  console.log(`\n  console:          ${stack.urls.console}   (API key: ${apiKey})`);
  console.log(`  queues dashboard: ${stack.urls.queues}`);
  console.log(`  sandbox state:    ${stack.urls.sandbox}`);
  console.log('\nEverything keeps running (new orders, shipments); Ctrl-C stops it.');
}

async function createDemoKey(stack: Awaited<ReturnType<typeof startStack>>): Promise<string> {
  const { createApiKey } = await import('../../services/api/src/auth');
  return (await createApiKey(stack.db, 'demo', 'admin')).key;
}

async function shipSome(stack: Awaited<ReturnType<typeof startStack>>, share: number): Promise<number> {
  const written = await stack.db.order.findMany({
    where: { erpState: 'written', erpDocStatus: 'CO' },
    select: { erpOrderId: true },
  });
  const shippers = ['黑貓宅急便', '新竹物流', '宅配通', '中華郵政'];
  let n = 0;
  for (const [i, o] of written.entries()) {
    if (i % Math.round(1 / share) !== 0 || !o.erpOrderId) continue;
    await stack.control('/_sandbox/idempiere/ship', {
      orderId: o.erpOrderId,
      shipper: shippers[n % shippers.length],
      trackingNo: `TW${String(100000000 + i)}`,
    });
    n++;
  }
  return n;
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
