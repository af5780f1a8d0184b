// Re-encrypts every stored secret with the current key, so an old key can then be removed from ENCRYPTION_KEYS.
import type { Db } from './client';
import type { SecretBox } from './crypto';

export async function rotateSecrets(db: Db, box: SecretBox): Promise<{ platforms: number; channels: number }> {
  const again = (v: string | null) => (v && box.needsRotation(v) ? box.encrypt(box.decrypt(v)) : v);
  let platforms = 0;
  let channels = 0;
  for (const p of await db.platform.findMany({ select: { id: true, appSecretEnc: true } })) {
    const appSecretEnc = again(p.appSecretEnc);
    if (appSecretEnc !== p.appSecretEnc) {
      await db.platform.update({ where: { id: p.id }, data: { appSecretEnc } });
      platforms++;
    }
  }
  const cols = ['accessTokenEnc', 'refreshTokenEnc', 'credentialsEnc', 'webhookSecretEnc'] as const;
  for (const c of await db.channel.findMany({
    select: { id: true, accessTokenEnc: true, refreshTokenEnc: true, credentialsEnc: true, webhookSecretEnc: true },
  })) {
    const data: Partial<Record<(typeof cols)[number], string | null>> = {};
    for (const col of cols) {
      const next = again(c[col]);
      if (next !== c[col]) data[col] = next;
    }
    if (Object.keys(data).length) {
      // Token rows are compare-and-set elsewhere: rotating keeps the version so no refresh is lost.
      await db.channel.update({ where: { id: c.id }, data });
      channels++;
    }
  }
  return { platforms, channels };
}
