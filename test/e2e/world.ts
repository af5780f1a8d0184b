// Provisions the OMS from a seeded sandbox: one platform app per platform, one channel per sandbox store,
// with the sandbox's tokens (encrypted), the GardenWorld ERP mapping and carrier mappings. This is what an
// operator does through the console for a real seller; the demo, benchmark and fault suite do it at once.
import type { Db, SecretBox } from '@oms/db';

export interface SandboxCredentials {
  urls: Record<'control' | 'shopee' | 'cyberbiz' | 'shopline' | 'momo' | 'idempiere', string>;
  shopee: { partner_id: number; partner_key: string; stores: ({ shop_id: number; name: string } & Tokens)[] };
  cyberbiz: { client_id: string; client_secret: string; stores: ({ shop_domain: string; name: string } & Tokens)[] };
  shopline: { client_id: string; client_secret: string; stores: ({ merchant_id: string; name: string } & Tokens)[] };
  momo: { stores: { entpCode: string; name: string; loginInfo: Record<string, string> }[] };
}
interface Tokens {
  access_token: string;
  access_token_expires_at: string | null;
  refresh_token: string | null;
  refresh_token_expires_at: string | null;
}

/** GardenWorld ids of the iDempiere sandbox (services/sandbox/src/idempiere/seed.ts). */
export const ERP_MAPPING = {
  erpOrgId: 11,
  erpWarehouseId: 103,
  erpDocTypeId: 132,
  erpPriceListId: 101,
  erpPaymentTermId: 105,
  erpDefaultCustomerId: 112,
  erpCustomerGroupId: 103,
  erpShippingChargeId: 200000,
  erpDiscountChargeId: 200001,
};

/** iDempiere shipper name -> the platform's carrier code or name. UPS is left unmapped on purpose. */
export const CARRIERS: Record<string, Record<string, string>> = {
  shopee: { 黑貓宅急便: '黑貓宅急便', 新竹物流: '新竹物流', 宅配通: '宅配通', 中華郵政: '中華郵政' },
  cyberbiz: { 黑貓宅急便: 'ezcat', 新竹物流: 'hct', 宅配通: 'e_can', 中華郵政: 'postserv' },
  shopline: { 黑貓宅急便: '黑貓宅急便', 新竹物流: '新竹物流', 宅配通: '宅配通', 中華郵政: '中華郵政' },
  momo: { 黑貓宅急便: '統一速達', 新竹物流: '新竹貨運', 宅配通: '宅配通', 中華郵政: '郵局' },
};

const date = (v: string | null) => (v ? new Date(v) : null);

export async function provisionFromSandbox(
  db: Db,
  box: SecretBox,
  creds: SandboxCredentials,
  opts: { syncIntervalSeconds?: number; syncStartAt: Date; customerMode?: 'per_buyer' | 'default_customer' },
): Promise<{ channels: number }> {
  const platforms = {
    shopee: await db.platform.create({
      data: {
        kind: 'shopee',
        name: 'Shopee TW',
        apiHost: creds.urls.shopee,
        appId: String(creds.shopee.partner_id),
        appSecretEnc: box.encrypt(creds.shopee.partner_key),
      },
    }),
    cyberbiz: await db.platform.create({
      data: {
        kind: 'cyberbiz',
        apiVersion: 'v2',
        name: 'Cyberbiz',
        apiHost: creds.urls.cyberbiz,
        authHost: creds.urls.cyberbiz,
        appId: creds.cyberbiz.client_id,
        appSecretEnc: box.encrypt(creds.cyberbiz.client_secret),
      },
    }),
    shopline: await db.platform.create({
      data: {
        kind: 'shopline',
        name: 'SHOPLINE',
        apiHost: creds.urls.shopline,
        authHost: creds.urls.shopline,
        appId: creds.shopline.client_id,
        appSecretEnc: box.encrypt(creds.shopline.client_secret),
      },
    }),
    momo: await db.platform.create({ data: { kind: 'momo', name: 'momo SCM', apiHost: creds.urls.momo } }),
  };
  const common = {
    ...ERP_MAPPING,
    syncIntervalSeconds: opts.syncIntervalSeconds ?? 60,
    syncStartAt: opts.syncStartAt,
    customerMode: opts.customerMode ?? 'per_buyer',
  } as const;
  const tokens = (s: Tokens) => ({
    accessTokenEnc: box.encrypt(s.access_token),
    refreshTokenEnc: box.encryptOptional(s.refresh_token),
    accessTokenExpiresAt: date(s.access_token_expires_at),
    refreshTokenExpiresAt: date(s.refresh_token_expires_at),
  });
  const rows = [
    ...creds.shopee.stores.map((s) => ({
      platformId: platforms.shopee.id,
      kind: 'shopee',
      name: s.name,
      externalShopId: String(s.shop_id),
      ...tokens(s),
    })),
    ...creds.cyberbiz.stores.map((s) => ({
      platformId: platforms.cyberbiz.id,
      kind: 'cyberbiz',
      name: s.name,
      externalShopId: s.shop_domain,
      ...tokens(s),
    })),
    ...creds.shopline.stores.map((s) => ({
      platformId: platforms.shopline.id,
      kind: 'shopline',
      name: s.name,
      externalShopId: s.merchant_id,
      ...tokens(s),
    })),
    ...creds.momo.stores.map((s) => ({
      platformId: platforms.momo.id,
      kind: 'momo',
      name: s.name,
      externalShopId: s.entpCode,
      credentialsEnc: box.encryptJson(s.loginInfo),
    })),
  ];
  for (const { kind, ...row } of rows) {
    const channel = await db.channel.create({ data: { ...common, ...row } });
    await db.carrierMapping.createMany({
      data: Object.entries(CARRIERS[kind]!).map(([erpShipperName, platformCarrier]) => ({
        channelId: channel.id,
        erpShipperName,
        platformCarrier,
      })),
    });
  }
  return { channels: rows.length };
}
