// A seeded PRNG (sfc32) and the Taiwanese names and addresses the scenarios are made of. Everything a
// scenario generates comes from one Rng, so the same seed gives the same world.

export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    // splitmix32 spreads any integer seed over the four state words.
    let s = seed >>> 0;
    const next = () => {
      s = (s + 0x9e3779b9) >>> 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = next();
    this.b = next();
    this.c = next();
    this.d = next();
    for (let i = 0; i < 12; i++) this.next();
  }

  /** A float in [0, 1). */
  next(): number {
    const t = (((this.a + this.b) >>> 0) + this.d) >>> 0;
    this.d = (this.d + 1) >>> 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) >>> 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) >>> 0;
    return t / 4294967296;
  }

  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }

  /** Picks a key by weight; weights need not sum to 1. */
  weighted<K extends string>(weights: Partial<Record<K, number>>): K {
    const entries = (Object.entries(weights) as [K, number][]).filter(([, w]) => w > 0);
    const total = entries.reduce((s, [, w]) => s + w, 0);
    let r = this.next() * total;
    for (const [k, w] of entries) {
      r -= w;
      if (r < 0) return k;
    }
    return entries[entries.length - 1]![0];
  }

  hex(length: number): string {
    let s = '';
    for (let i = 0; i < length; i++) s += '0123456789abcdef'[this.int(0, 15)];
    return s;
  }

  chars(length: number, alphabet: string): string {
    let s = '';
    for (let i = 0; i < length; i++) s += alphabet[this.int(0, alphabet.length - 1)];
    return s;
  }

  digits(length: number): string {
    return this.chars(length, '0123456789');
  }
}

const SURNAMES = [
  '陳',
  '林',
  '黃',
  '張',
  '李',
  '王',
  '吳',
  '劉',
  '蔡',
  '楊',
  '許',
  '鄭',
  '謝',
  '洪',
  '郭',
  '邱',
  '曾',
  '廖',
  '賴',
  '徐',
];
const GIVEN = [
  '志明',
  '淑芬',
  '雅婷',
  '家豪',
  '怡君',
  '建宏',
  '美玲',
  '俊傑',
  '佳穎',
  '宗翰',
  '欣怡',
  '承恩',
  '詩涵',
  '冠宇',
  '惠如',
  '柏翰',
  '心怡',
  '哲瑋',
  '宜蓁',
  '子軒',
];
const ROMAN = ['chen', 'lin', 'huang', 'chang', 'lee', 'wang', 'wu', 'liu', 'tsai', 'yang'];

/** [city, district, zip] */
const PLACES: [string, string, string][] = [
  ['臺北市', '大安區', '106'],
  ['臺北市', '信義區', '110'],
  ['臺北市', '中山區', '104'],
  ['新北市', '板橋區', '220'],
  ['新北市', '新店區', '231'],
  ['桃園市', '中壢區', '320'],
  ['臺中市', '西屯區', '407'],
  ['臺中市', '北區', '404'],
  ['臺南市', '東區', '701'],
  ['高雄市', '前鎮區', '806'],
  ['高雄市', '左營區', '813'],
  ['新竹市', '東區', '300'],
  ['基隆市', '仁愛區', '200'],
  ['嘉義市', '西區', '600'],
  ['宜蘭縣', '羅東鎮', '265'],
  ['花蓮縣', '花蓮市', '970'],
];
const ROADS = [
  '中山路',
  '中正路',
  '民生東路',
  '忠孝東路',
  '復興南路',
  '信義路',
  '文化路',
  '三民路',
  '建國路',
  '成功路',
  '光復路',
  '和平東路',
];

export interface Person {
  name: string;
  phone: string;
  email: string;
  username: string;
}

export interface Address {
  zip: string;
  city: string;
  district: string;
  street: string;
  full: string;
}

export function person(rng: Rng): Person {
  const name = rng.pick(SURNAMES) + rng.pick(GIVEN);
  const handle = `${rng.pick(ROMAN)}${rng.digits(4)}`;
  return { name, phone: `09${rng.digits(8)}`, email: `${handle}@example.com.tw`, username: handle };
}

export function address(rng: Rng): Address {
  const [city, district, zip] = rng.pick(PLACES);
  const section = rng.chance(0.5) ? `${rng.pick(['一', '二', '三', '四'])}段` : '';
  const street = `${rng.pick(ROADS)}${section}${rng.int(1, 350)}號${rng.chance(0.5) ? `${rng.int(2, 15)}樓` : ''}`;
  return { zip, city, district, street, full: `${zip}${city}${district}${street}` };
}

/** "王**" the way momo and others mask a name. */
export function maskName(name: string): string {
  return name.slice(0, 1) + '*'.repeat(Math.max(1, name.length - 1));
}
