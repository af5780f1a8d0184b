// Bull Board over all five queues: the full board at /admin/queues for admins, the same queues in the
// adapter's readOnlyMode at /admin/queues-readonly, where the auth hook sends viewers.
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import type { Queues } from '@oms/queue';
import type { App } from './app';

export async function mountBullBoard(app: App, queues: Queues): Promise<void> {
  for (const [basePath, readOnlyMode] of [
    ['/admin/queues', false],
    ['/admin/queues-readonly', true],
  ] as const) {
    const serverAdapter = new FastifyAdapter();
    serverAdapter.setBasePath(basePath);
    createBullBoard({
      queues: queues.all().map((q) => new BullMQAdapter(q, { readOnlyMode })),
      serverAdapter,
      options: { uiConfig: { boardTitle: readOnlyMode ? 'OMS queues (read-only)' : 'OMS queues' } },
    });
    await app.register(serverAdapter.registerPlugin() as never, { prefix: basePath });
  }
}
