import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, redact, redactString } from './index';

function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _enc, cb) {
      lines.push(...chunk.toString().split('\n').filter(Boolean));
      cb();
    },
  });
  return { lines, destination };
}

const SECRETS = [
  'sk-live-123456789',
  'rt-abcdef-987654',
  'hunter2-password',
  'Zm9vYmFyYmF6cXV4',
  'eyJhbGciOi.payload.sig',
  'partner-key-xyz',
];

describe('logger redaction', () => {
  it('never writes a nested token, secret, key, password or authorization header', () => {
    const { lines, destination } = capture();
    const log = createLogger({ service: 'test', destination });
    log.info(
      {
        channel: {
          name: 'Store A',
          accessToken: SECRETS[0],
          tokens: [{ refresh_token: SECRETS[1] }],
          login: { entpPwd: SECRETS[2], password: SECRETS[2] },
        },
        request: {
          headers: { Authorization: `Bearer ${SECRETS[4]}`, 'x-api-key': SECRETS[3] },
          url: `https://x/api?access_token=${SECRETS[0]}&shop_id=1&sign=${SECRETS[3]}`,
        },
        platform: {
          partnerKey: SECRETS[5],
          appSecret: SECRETS[5],
          settings: { deep: { deeper: { client_secret: SECRETS[5] } } },
        },
        err: Object.assign(new Error(`refresh failed for refresh_token=${SECRETS[1]}`), {
          config: { headers: { authorization: SECRETS[4] } },
        }),
      },
      `calling with Bearer ${SECRETS[4]}`,
    );
    expect(lines).toHaveLength(1);
    const line = lines[0]!;
    for (const secret of SECRETS) expect(line).not.toContain(secret);
    const parsed = JSON.parse(line);
    expect(parsed.channel.name).toBe('Store A');
    expect(parsed.request.url).toContain('shop_id=1');
    expect(parsed.channel.accessToken).toBe('[redacted]');
  });

  it('keeps ordinary values and survives cycles', () => {
    const a: Record<string, unknown> = { orderId: 'o1', total: '100.00' };
    a.self = a;
    expect(redact(a)).toEqual({ orderId: 'o1', total: '100.00', self: '[circular]' });
    expect(redactString('no secrets here')).toBe('no secrets here');
  });
});
