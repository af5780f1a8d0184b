// SHOPLINE webhooks (docs/platforms.md#shopline-webhooks): the signature scheme of Open API webhooks is unknown, so
// the webhook URL carries a per-channel secret (oms_channel.webhook_secret) that must match. The body names the
// order.
import type { ChannelAccess, WebhookEvent, WebhookRequest } from '../../adapter';
import { WebhookRejectedError } from '../../errors';
import { isObj, obj, optStr, type Obj } from '../../normalize-util';

export function verifyShoplineWebhook(
  _store: ChannelAccess | null,
  request: WebhookRequest,
  secret: string | null,
): WebhookEvent {
  if (!secret) throw new WebhookRejectedError('channel has no webhook secret');
  const given = new URL(request.url, 'http://x').searchParams.get('secret') ?? '';
  if (given.length !== secret.length || given !== secret)
    throw new WebhookRejectedError('webhook secret does not match');
  let body: Obj;
  try {
    body = obj(JSON.parse(request.rawBody.toString('utf8')), 'body');
  } catch {
    throw new WebhookRejectedError('body is not a JSON object');
  }
  const resource = isObj(body.resource) ? body.resource : body;
  const topic = optStr(body.topic) ?? optStr(body.event) ?? 'unknown';
  return {
    externalShopId: optStr(body.merchant_id) ?? optStr(resource.merchant_id),
    topic,
    orderExternalId: /order/i.test(topic) ? (optStr(resource.order_id) ?? optStr(resource.id)) : null,
  };
}
