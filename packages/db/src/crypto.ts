// Secrets at rest: AES-256-GCM, with the key id in the stored value so keys can be rotated
// (encrypt with the first key, decrypt with whichever key the value names).
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

export interface EncryptionKey {
  id: string;
  key: Buffer;
}

const VERSION = 'v1';

export class SecretBox {
  private readonly byId: Map<string, Buffer>;
  constructor(private readonly keys: EncryptionKey[]) {
    if (keys.length === 0) throw new Error('SecretBox needs at least one key');
    for (const k of keys) if (k.key.length !== 32) throw new Error(`encryption key ${k.id} is not 32 bytes`);
    this.byId = new Map(keys.map((k) => [k.id, k.key]));
  }

  get currentKeyId(): string {
    return this.keys[0]!.id;
  }

  /** "v1:<keyId>:<iv>:<tag>:<ciphertext>", all base64url. */
  encrypt(plain: string): string {
    const { id, key } = this.keys[0]!;
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    cipher.setAAD(Buffer.from(`${VERSION}:${id}`));
    const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    const tag = cipher.getAuthTag();
    return [VERSION, id, iv.toString('base64url'), tag.toString('base64url'), data.toString('base64url')].join(':');
  }

  decrypt(stored: string): string {
    const [version, id, iv, tag, data] = stored.split(':');
    if (version !== VERSION || !id || !iv || !tag || data === undefined)
      throw new Error('not an encrypted value of this OMS');
    const key = this.byId.get(id);
    if (!key) throw new Error(`encrypted with key "${id}", which is not in ENCRYPTION_KEYS`);
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(`${VERSION}:${id}`));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]).toString('utf8');
  }

  encryptOptional(plain: string | null | undefined): string | null {
    return plain === null || plain === undefined || plain === '' ? null : this.encrypt(plain);
  }

  decryptOptional(stored: string | null | undefined): string | null {
    return stored ? this.decrypt(stored) : null;
  }

  encryptJson(value: unknown): string {
    return this.encrypt(JSON.stringify(value));
  }

  decryptJson<T = unknown>(stored: string | null | undefined): T | null {
    return stored ? (JSON.parse(this.decrypt(stored)) as T) : null;
  }

  /** The id of the key a stored value was encrypted with (for rotation). */
  static keyIdOf(stored: string): string | undefined {
    return stored.split(':')[1];
  }

  needsRotation(stored: string): boolean {
    return SecretBox.keyIdOf(stored) !== this.currentKeyId;
  }
}
