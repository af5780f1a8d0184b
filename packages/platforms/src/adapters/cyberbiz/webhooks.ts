// Cyberbiz webhooks (docs/platforms.md#cyberbiz-webhooks): X-Cyberbiz-Hmac-Sha256 of the body keyed with the app
// secret, hex or base64.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { ChannelAccess, WebhookEvent, WebhookRequest } from '../../adapter';
import { WebhookRejectedError } from '../../errors';
import { isObj, optStr } from '../../normalize-util';

export function verifyCyberbizWebhook(
  store: ChannelAccess | null,
  request: WebhookRequest,
  secret: string | null,
): WebhookEvent {
  const key = secret ?? store?.platform.appSecret;
  if (!key) throw new WebhookRejectedError('no app secret to verify the webhook with');
  const given = request.headers['x-cyberbiz-hmac-sha256'];
  if (typeof given !== 'string' || !given) throw new WebhookRejectedError('missing X-Cyberbiz-Hmac-Sha256 header');
  const mac = createHmac('sha256', key).update(request.rawBody).digest();
  // Observed hex; the docs say base64: accept both.
  const candidates = [mac.toString('hex'), mac.toString('base64')];
  if (!candidates.some((c) => c.length === given.length && timingSafeEqual(Buffer.from(c), Buffer.from(given))))
    throw new WebhookRejectedError('signature does not match');
  const topic = String(request.headers['x-cyberbiz-event'] ?? 'unknown');
  let body: unknown;
  try {
    body = JSON.parse(request.rawBody.toString('utf8'));
  } catch {
    throw new WebhookRejectedError('body is not JSON');
  }
  const domain = request.headers['x-cyberbiz-domain'];
  return {
    externalShopId: typeof domain === 'string' ? domain : null,
    topic,
    orderExternalId: topic.startsWith('orders/') && isObj(body) ? optStr(body.id) : null,
  };
}
