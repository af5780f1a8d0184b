// momo's encryption of dataList (docs/platforms.md, "momo: auth and signing"): AES-128-ECB, base64, keyed by the
// supplier's password.
import { createCipheriv, createDecipheriv } from 'node:crypto';

/** Key = entpPwd right-padded with "0" to 16 characters (the FAQ's example pads the password). */
export function momoKey(entpPwd: string): Buffer {
  return Buffer.from(entpPwd.padEnd(16, '0').slice(0, 16), 'utf8');
}

export function momoEncrypt(entpPwd: string, plain: string): string {
  const c = createCipheriv('aes-128-ecb', momoKey(entpPwd), null);
  return Buffer.concat([c.update(plain, 'utf8'), c.final()]).toString('base64');
}

export function momoDecrypt(entpPwd: string, b64: string): string {
  const d = createDecipheriv('aes-128-ecb', momoKey(entpPwd), null);
  return Buffer.concat([d.update(Buffer.from(b64, 'base64')), d.final()]).toString('utf8');
}
