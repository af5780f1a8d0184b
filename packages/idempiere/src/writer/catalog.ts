// Products and customers, resolved for a whole batch at once and cached: after warm-up a batch of orders
// costs no lookup request at all.
import type { Db } from '@oms/db';
import type { CanonicalOrder } from '@oms/core';
import type { IdempiereClient } from '../client';
import type { IdRecord } from '../model';
import { f } from '../filter';
import { buyerKey, customerValue, skuColumn, type ChannelMapping, type CustomerRef } from '../mapping';

export type Column = 'Value' | 'UPC' | 'SKU';
const IN_CHUNK = 50;

/** Characters that break a literal in the real $filter parser (docs/idempiere.md, Reading models). */
const FILTER_UNSAFE = /[',()]/;

function chunks<T>(list: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}

/** SKU -> M_Product_ID per matching column. Only hits are cached: a product created later is found on retry. */
export class ProductCache {
  private readonly byColumn: Record<Column, Map<string, number>> = { Value: new Map(), UPC: new Map(), SKU: new Map() };
  /** Lookups made, for the benchmark. */
  lookups = 0;
  /** SKUs (by Value) being created by the batch in flight: a batch prepared meanwhile references them by Value. */
  private readonly inflight = new Set<string>();
  private readonly versions = new Map<number, number | null>();

  constructor(private readonly client: IdempiereClient) {}

  isCreating(sku: string): boolean {
    return this.inflight.has(sku);
  }

  begin(skus: Iterable<string>): void {
    for (const s of skus) this.inflight.add(s);
  }

  /** The creating batch answered: remember the new product (or forget the attempt). */
  settle(sku: string, id: number | null, column: Column): void {
    this.inflight.delete(sku);
    if (id) {
      this.byColumn.Value.set(sku, id);
      this.byColumn[column].set(sku, id);
    }
  }

  /** The current M_PriceList_Version of a price list (new products get a price there), cached. */
  async priceListVersion(priceListId: number): Promise<number | null> {
    if (!this.versions.has(priceListId)) {
      const page = await this.client.get<IdRecord>('M_PriceList_Version', {
        filter: f.eq('M_PriceList_ID', priceListId),
        select: ['ValidFrom'],
        orderby: 'ValidFrom desc',
        top: 1,
      });
      this.versions.set(priceListId, page.records[0]?.id ?? null);
    }
    return this.versions.get(priceListId)!;
  }

  /** Loads every active product once (paged): the usual start of a writer process. */
  async warm(maxRecords = 50_000): Promise<number> {
    const rows = await this.client.getAll<IdRecord>(
      'M_Product',
      { select: ['Value', 'UPC', 'SKU'], orderby: 'M_Product_ID' },
      maxRecords,
    );
    for (const r of rows) this.remember(r);
    return rows.length;
  }

  private remember(r: IdRecord): void {
    for (const col of ['Value', 'UPC', 'SKU'] as const) {
      const v = r[col];
      if (typeof v === 'string' && v && !this.byColumn[col].has(v)) this.byColumn[col].set(v, r.id);
    }
  }

  /**
   * Resolves SKUs for several channels: overrides from oms_sku_mapping (always read, so an operator's new row
   * counts at the next retry), then the cache, then one GET per column for the misses.
   */
  async resolve(
    db: Db,
    wanted: { channel: ChannelMapping; skus: string[] }[],
  ): Promise<Map<string, Map<string, number>>> {
    const result = new Map<string, Map<string, number>>();
    const channelIds = [...new Set(wanted.map((w) => w.channel.id))];
    const allSkus = [...new Set(wanted.flatMap((w) => w.skus))];
    const overrides = allSkus.length
      ? await db.skuMapping.findMany({
          where: { channelId: { in: channelIds }, platformSku: { in: allSkus } },
          select: { channelId: true, platformSku: true, erpProductId: true },
        })
      : [];
    const missing: Record<Column, Set<string>> = { Value: new Set(), UPC: new Set(), SKU: new Set() };
    for (const w of wanted) {
      const map = result.get(w.channel.id) ?? new Map<string, number>();
      result.set(w.channel.id, map);
      const col = skuColumn(w.channel.skuMatch);
      for (const sku of w.skus) {
        const o = overrides.find((r) => r.channelId === w.channel.id && r.platformSku === sku);
        if (o) map.set(sku, o.erpProductId);
        else if (this.byColumn[col].has(sku)) map.set(sku, this.byColumn[col].get(sku)!);
        else missing[col].add(sku);
      }
    }
    for (const col of ['Value', 'UPC', 'SKU'] as const) {
      const all = [...missing[col]];
      for (const part of chunks(
        all.filter((s) => !FILTER_UNSAFE.test(s)),
        IN_CHUNK,
      )) {
        this.lookups++;
        const found = await this.client.getAll<IdRecord>('M_Product', {
          filter: f.in(col, part),
          select: ['Value', 'UPC', 'SKU'],
        });
        for (const r of found) this.remember(r);
      }
      // a SKU the real parser would break (`in` split on ",", '' kept, parentheses counted inside quotes) is looked
      // up by its safe prefix; remember() keys rows by their exact value, so only an exact match is used
      for (const prefix of new Set(all.filter((s) => FILTER_UNSAFE.test(s)).map((s) => s.split(FILTER_UNSAFE)[0]!))) {
        this.lookups++;
        const found = await this.client.getAll<IdRecord>('M_Product', {
          ...(prefix ? { filter: f.startswith(col, prefix) } : {}),
          select: ['Value', 'UPC', 'SKU'],
        });
        for (const r of found) this.remember(r);
      }
    }
    if (Object.values(missing).some((s) => s.size)) {
      for (const w of wanted) {
        const map = result.get(w.channel.id)!;
        const col = skuColumn(w.channel.skuMatch);
        for (const sku of w.skus)
          if (!map.has(sku) && this.byColumn[col].has(sku)) map.set(sku, this.byColumn[col].get(sku)!);
      }
    }
    return result;
  }
}

export interface CustomerNeed {
  /** What the order should reference, or why it cannot. */
  ref?: CustomerRef;
  blocked?: string;
  /** Set when a new C_BPartner must be created in this batch (ref is then {value}). */
  create?: { channelId: string; key: string; value: string };
  /** The customer is being created by the batch still in flight (ref is then {value}). */
  dependsOn?: string;
}

/**
 * (channel, buyer key) -> C_BPartner. oms_customer is the truth; a row with erp_customer_id 0 is an intent
 * written before the create request, so that after a crash the customer is looked up by Value, not created twice.
 */
export class CustomerCache {
  private readonly known = new Map<string, { bpartnerId: number; locationId: number | null }>();
  /** Values of customers in a batch request that has not answered yet. */
  private readonly inflight = new Set<string>();
  private readonly failures = new Set<string>();
  lookups = 0;

  /** These customers go out in the batch being sent; a batch prepared meanwhile references them by Value. */
  begin(values: Iterable<string>): void {
    for (const v of values) this.inflight.add(v);
  }

  /** The batch that created (or failed to create) this customer has answered. */
  settle(value: string, ok: boolean): void {
    this.inflight.delete(value);
    if (ok) this.failures.delete(value);
    else this.failures.add(value);
  }

  failed(value: string): boolean {
    return this.failures.has(value);
  }

  constructor(private readonly client: IdempiereClient) {}

  private static k(channelId: string, key: string): string {
    return `${channelId}|${key}`;
  }

  learn(channelId: string, key: string, bpartnerId: number, locationId: number | null): void {
    this.known.set(CustomerCache.k(channelId, key), { bpartnerId, locationId });
  }

  /** Decides the customer of each order; new customers are recorded as intents (erp_customer_id 0). */
  async resolve(db: Db, orders: { channel: ChannelMapping; order: CanonicalOrder }[]): Promise<CustomerNeed[]> {
    const needs: CustomerNeed[] = [];
    const unresolved: { i: number; channelId: string; key: string }[] = [];
    orders.forEach(({ channel, order }, i) => {
      const fallback = (why: string): CustomerNeed =>
        channel.erpDefaultCustomerId ? { ref: { bpartnerId: channel.erpDefaultCustomerId } } : { blocked: why };
      if (channel.customerMode === 'default_customer') {
        needs[i] = fallback('the channel uses a default customer but has none (erpDefaultCustomerId)');
        return;
      }
      const key = buyerKey(order);
      if (!key) {
        needs[i] = fallback(
          'the buyer has no stable id, e-mail or phone, and the channel has no default customer (erpDefaultCustomerId)',
        );
        return;
      }
      const hit = this.known.get(CustomerCache.k(channel.id, key));
      const value = customerValue(channel.id, key);
      if (hit) needs[i] = { ref: { bpartnerId: hit.bpartnerId, locationId: hit.locationId } };
      // Created by the previous batch, which is still being written: iDempiere will have it before this batch.
      else if (this.inflight.has(value)) needs[i] = { ref: { value }, dependsOn: value };
      else unresolved.push({ i, channelId: channel.id, key });
    });
    if (!unresolved.length) return needs;

    const rows = await db.customer.findMany({
      where: {
        channelId: { in: [...new Set(unresolved.map((u) => u.channelId))] },
        buyerKey: { in: [...new Set(unresolved.map((u) => u.key))] },
      },
    });
    const row = (channelId: string, key: string) => rows.find((r) => r.channelId === channelId && r.buyerKey === key);
    for (const r of rows)
      if (r.erpCustomerId > 0) this.learn(r.channelId, r.buyerKey, r.erpCustomerId, r.erpLocationId);

    // Intents left by an earlier attempt: the customer may exist already. One GET finds them by Value.
    const pending = rows.filter((r) => r.erpCustomerId === 0);
    if (pending.length) {
      for (const part of chunks(pending, IN_CHUNK)) {
        this.lookups++;
        const page = await this.client.get<IdRecord>('C_BPartner', {
          filter: f.in(
            'Value',
            part.map((r) => customerValue(r.channelId, r.buyerKey)),
          ),
          select: ['Value'],
          top: 100,
        });
        for (const r of part) {
          const found = page.records.find((p) => p.Value === customerValue(r.channelId, r.buyerKey));
          if (found) {
            this.learn(r.channelId, r.buyerKey, found.id, null);
            await db.customer.update({ where: { id: r.id }, data: { erpCustomerId: found.id } });
          }
        }
      }
    }

    const intents: { channelId: string; buyerKey: string; erpCustomerId: number }[] = [];
    const creating = new Set<string>();
    for (const u of unresolved) {
      const hit = this.known.get(CustomerCache.k(u.channelId, u.key));
      if (hit) {
        needs[u.i] = { ref: { bpartnerId: hit.bpartnerId, locationId: hit.locationId } };
        continue;
      }
      const value = customerValue(u.channelId, u.key);
      needs[u.i] = { ref: { value }, create: { channelId: u.channelId, key: u.key, value } };
      const k = CustomerCache.k(u.channelId, u.key);
      if (!row(u.channelId, u.key) && !creating.has(k))
        intents.push({ channelId: u.channelId, buyerKey: u.key, erpCustomerId: 0 });
      creating.add(k);
    }
    if (intents.length) await db.customer.createMany({ data: intents, skipDuplicates: true });
    return needs;
  }

  /** Records the ids of customers created in a batch. */
  async created(
    db: Db,
    list: { channelId: string; key: string; bpartnerId: number; locationId: number | null }[],
  ): Promise<void> {
    if (!list.length) return;
    for (const c of list) this.learn(c.channelId, c.key, c.bpartnerId, c.locationId);
    await db.$executeRaw`
      UPDATE oms_customer AS c SET erp_customer_id = u.bp, erp_location_id = u.loc
      FROM unnest(${list.map((c) => c.channelId)}::uuid[], ${list.map((c) => c.key)}::text[], ${list.map((c) => c.bpartnerId)}::int[], ${list.map((c) => c.locationId)}::int[])
        AS u(channel_id, buyer_key, bp, loc)
      WHERE c.channel_id = u.channel_id AND c.buyer_key = u.buyer_key`;
  }
}
