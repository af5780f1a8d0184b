// iDempiere REST stand-in for the sandbox: the bxservice REST plugin's /api/v1 over an in-memory GardenWorld.
//
// INTERFACE for whoever mounts it (services/sandbox src/index.ts):
//   const idempiere = createIdempiereSandbox({ logger });
//   await idempiere.register(idempiereApp);        // the iDempiere port (SANDBOX_PORT + 5): serves /api/v1/...
//   await idempiere.registerControl(controlApp);   // the control port: adds /_sandbox/idempiere/... itself
//                                                  // (do NOT wrap it in another prefix)
//   idempiere.summary()      -> { orders, ordersByStatus, writes, requests, overlappingWrites } (GET /_sandbox/state)
//   idempiere.credentials()  -> { userName, password, clientId, roleId, organizationId, warehouseId, language }
//   idempiere.setFaults({ latencyMs, jitterMs, errorRate, downForMs, downMode, processingMsPerOrder, lostReplyRate })
//   idempiere.clearFaults()
//   idempiere.reset()        -> back to the seed (login sessions survive; write log cleared)
//   idempiere.configure({ tokenExpiresInSeconds, refreshTokenExpiresInSeconds, poReferenceLength })
//   idempiere.ship({ orderId | documentNo | poReference, shipper, trackingNo, complete?, movementDate?, lines? })
// Control routes: POST /ship, GET /orders, GET /writes, POST /reset, POST /config, POST|DELETE /faults,
// GET /summary, GET /credentials — all under /_sandbox/idempiere.
//
// The parts: routes.ts (/api/v1), models.ts with query.ts, input.ts, rules/ and doc-actions.ts (the /models
// resource), writes.ts (sequence lock, write log), faults.ts, warehouse.ts (shipments), control.ts.
// Behaviour notes a client must know are in README.md beside this file.
import type { FastifyInstance } from 'fastify';
import { DEFAULT_AUTH_CONFIG } from './auth';
import {
  type IdempiereConfig,
  type IdempiereCredentials,
  type IdempiereSummary,
  configure,
  credentials,
  orders,
  registerControlRoutes,
  summary,
} from './control';
import type { IdempiereFaults } from './faults';
import { registerApi } from './routes';
import { type MinimalLogger, createState, resetState } from './state';
import { type ShipRequest, ship } from './warehouse';
import type { WriteLogEntry } from './writes';

export type { IdempiereConfig, IdempiereCredentials, IdempiereSummary } from './control';
export type { IdempiereFaults } from './faults';
export type { ShipRequest } from './warehouse';
export type { WriteLogEntry } from './writes';
export { DEFAULT_AUTH_CONFIG };

export interface IdempiereSandbox {
  register(app: FastifyInstance): Promise<void>;
  registerControl(app: FastifyInstance, opts?: { prefix?: string }): Promise<void>;
  summary(): IdempiereSummary;
  credentials(): IdempiereCredentials;
  setFaults(f: IdempiereFaults): void;
  clearFaults(): void;
  reset(): void;
  configure(c: IdempiereConfig): void;
  ship(req: ShipRequest): Record<string, unknown>;
  orders(): Record<string, unknown>[];
  writes(): { writes: WriteLogEntry[]; overlappingWrites: number; total: number };
}

export function createIdempiereSandbox(opts: { logger?: MinimalLogger } = {}): IdempiereSandbox {
  const state = createState(opts.logger);
  const sandbox: IdempiereSandbox = {
    register: (app) => registerApi(app, state),
    registerControl: (app, o = {}) => registerControlRoutes(app, sandbox, state, o.prefix ?? '/_sandbox/idempiere'),
    summary: () => summary(state),
    credentials,
    setFaults: (f) => state.faults.set(f),
    clearFaults: () => state.faults.clear(),
    reset: () => resetState(state),
    configure: (c) => configure(state, c),
    ship: (req) => ship(state, req),
    orders: () => orders(state),
    writes: () => ({
      writes: state.writes.entries,
      overlappingWrites: state.writes.overlapping,
      total: state.writes.total,
    }),
  };
  return sandbox;
}
