// The products the sandbox's iDempiere knows, and that its platform stores sell. A scenario also sells
// SKUs that are NOT here (a configurable share), to exercise "unknown SKU blocks the order".

export interface CatalogProduct {
  /** M_Product_ID in the iDempiere sandbox. */
  id: number;
  /** M_Product.Value, also the platform SKU by default. */
  value: string;
  name: string;
  /** M_Product.UPC */
  upc: string;
  /** M_Product.SKU column (differs from Value for some products, to test the SKU rule). */
  sku: string;
  /** List price in TWD on the sandbox price list. */
  price: number;
}

const NAMES = [
  '有機綠茶 300g',
  '高山烏龍茶 150g',
  '東方美人茶 75g',
  '日月潭紅茶 100g',
  '阿里山金萱 150g',
  '手工鳳梨酥 12入',
  '太陽餅 10入',
  '牛軋糖 250g',
  '芒果乾 200g',
  '龍眼乾 300g',
  '竹炭毛巾',
  '純棉浴巾',
  '不鏽鋼保溫瓶 500ml',
  '玻璃隨行杯',
  '陶瓷馬克杯',
  '環保購物袋',
  '帆布托特包',
  '防水登山背包',
  '輕量雨傘',
  '折疊收納箱',
  '藍牙耳機',
  '行動電源 10000mAh',
  'USB-C 充電線 1m',
  '無線滑鼠',
  '機械鍵盤',
  '保濕面膜 10片',
  '防曬乳 SPF50',
  '洗髮精 500ml',
  '沐浴乳 700ml',
  '護手霜 50ml',
  '台灣米 2kg',
  '麻油 300ml',
  '醬油膏 500ml',
  '辣椒醬 240g',
  '花生醬 340g',
  '兒童餐具組',
  '木製積木',
  '拼圖 500片',
  '繪本 小熊',
  '彩色筆 24色',
  '瑜珈墊',
  '啞鈴 2kg',
  '跳繩',
  '運動水壺',
  '護膝',
  '香氛蠟燭',
  '擴香瓶',
  '抱枕套',
  '桌上型檯燈',
  '掛鐘',
];

export const CATALOG: CatalogProduct[] = NAMES.map((name, i) => {
  const n = i + 1;
  const value = `TW-${String(1000 + n)}`;
  return {
    id: 200_000 + n,
    value,
    name,
    upc: `4710000${String(100000 + n)}`,
    // Every fifth product keeps a different SKU column, so "match on SKU" differs from "match on Value".
    sku: n % 5 === 0 ? `ALT-${value}` : value,
    price: 80 + ((n * 37) % 25) * 20,
  };
});

export function productByValue(value: string): CatalogProduct | undefined {
  return CATALOG.find((p) => p.value === value);
}
