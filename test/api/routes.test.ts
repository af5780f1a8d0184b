// Every route of the API, doing its job against real PostgreSQL and Redis, one topic per module of routes/ (run
// in this order, on one app and one seed). The last test checks that every route in the app's route table is
// exercised here, so a new route cannot go untested.
import { describe, expect, it } from 'vitest';
import { SECRETS } from './helpers';
import { covered, h, useRoutesHarness } from './routes/context';
import { healthAndSession } from './routes/basics';
import { platformRoutes } from './routes/platforms';
import { channelRoutes } from './routes/channels';
import { orderRoutes } from './routes/orders';
import { mappingAndShipmentRoutes } from './routes/mappings';
import { apiKeyRoutes } from './routes/api-keys';

useRoutesHarness();

describe('health, metrics, docs, console', healthAndSession);
describe('platforms', platformRoutes);
describe('channels', channelRoutes);
describe('orders', orderRoutes);
describe('mappings and shipments', mappingAndShipmentRoutes);
describe('API keys', apiKeyRoutes);

describe('coverage', () => {
  it('every route of the API is exercised by this file or by oauth-webhooks.test.ts', () => {
    const elsewhere = new Set([
      'GET /channels/:id/connect',
      'GET /oauth/callback/:platform',
      'POST /webhooks/:platform',
      'POST /webhooks/:platform/:channelId/:secret',
    ]);
    const mine = h.built.routes.filter(
      (r) => r.method !== 'HEAD' && !r.url.startsWith('/admin/queues') && !r.url.startsWith('/docs/'),
    );
    const missing = mine.map((r) => `${r.method} ${r.url}`).filter((k) => !covered.has(k) && !elsewhere.has(k));
    expect(missing).toEqual([]);
    expect(SECRETS.accessToken).toBeTruthy();
  });
});
