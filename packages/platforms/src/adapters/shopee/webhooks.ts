// Shopee push notifications (docs/platforms.md#shopee-webhooks-push): Authorization = hex HMAC-SHA256 of
// `url|body` keyed with the partner key.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { ChannelAccess, WebhookEvent, WebhookRequest } from '../../adapter';
import { WebhookRejectedError } from '../../errors';
import { isObj, obj, optStr, type Obj } from '../../normalize-util';

export function verifyShopeeWebhook(
  store: ChannelAccess | null,
  request: WebhookRequest,
  secret: string | null,
): WebhookEvent {
  const key = secret ?? store?.platform.appSecret;
  if (!key) throw new WebhookRejectedError('no partner key to verify the push with');
  const given = request.headers.authorization;
  if (typeof given !== 'string' || !/^[0-9a-f]{64}$/i.test(given))
    throw new WebhookRejectedError('missing or malformed Authorization header');
  const expected = createHmac('sha256', key).update(`${request.url}|`).update(request.rawBody).digest('hex');
  if (!timingSafeEqual(Buffer.from(expected), Buffer.from(given.toLowerCase())))
    throw new WebhookRejectedError('signature does not match');
  let body: Obj;
  try {
    body = obj(JSON.parse(request.rawBody.toString('utf8')), 'body');
  } catch {
    throw new WebhookRejectedError('body is not a JSON object');
  }
  const data = isObj(body.data) ? body.data : {};
  return {
    externalShopId: optStr(body.shop_id),
    topic: String(body.code ?? 'unknown'),
    orderExternalId: optStr(data.ordersn) ?? optStr(data.order_sn),
  };
}
