// The control plane (control port): credentials, scenarios, state, truth, transitions, faults, pushes.
// setup.ts holds the routes about the world as a whole, orders.ts those about orders; the iDempiere stand-in
// mounts its own under /_sandbox/idempiere.
import type { FastifyInstance } from 'fastify';
import type { IdempiereSandbox } from '../idempiere/index.ts';
import type { SandboxContext } from '../platforms/common.ts';
import { registerOrderRoutes } from './orders.ts';
import { registerSetupRoutes } from './setup.ts';

export { platformStatus, truth } from './truth.ts';

export function registerControl(
  app: FastifyInstance,
  ctx: SandboxContext,
  idempiere: IdempiereSandbox,
  urls: () => Record<string, string>,
): void {
  registerSetupRoutes(app, ctx, idempiere, urls);
  registerOrderRoutes(app, ctx);
}
