// The stand-in's control side, for the sandbox's control port and tests: the truth about its orders, a summary
// for GET /_sandbox/state, the login to use, configuration, and the /_sandbox/idempiere/... routes.
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { IdempiereFaults } from './faults';
import type { IdempiereSandbox } from './index';
import { errorBody, send } from './reply';
import { SEED } from './seed';
import type { IdempiereState } from './state';
import { RestError } from './store';
import type { ShipRequest } from './warehouse';

export interface IdempiereSummary {
  orders: number;
  ordersByStatus: Record<string, number>;
  writes: number;
  requests: number;
  overlappingWrites: number;
}

export interface IdempiereCredentials {
  userName: string;
  password: string;
  clientId: number;
  roleId: number;
  organizationId: number;
  warehouseId: number;
  language: string;
}

export interface IdempiereConfig {
  tokenExpiresInSeconds?: number;
  refreshTokenExpiresInSeconds?: number;
  poReferenceLength?: number;
}

/** Every C_Order with its lines and shipments, in plain words (GET /_sandbox/idempiere/orders). */
export function orders(state: IdempiereState): Record<string, unknown>[] {
  const { store } = state;
  const out: Record<string, unknown>[] = [];
  for (const o of store.all('C_Order')) {
    const bp = store.get('C_BPartner', o.C_BPartner_ID as number);
    const lines = store.children('C_OrderLine', o.C_Order_ID as number).map((l) => {
      const p = l.M_Product_ID ? store.get('M_Product', l.M_Product_ID as number) : undefined;
      const c = l.C_Charge_ID ? store.get('C_Charge', l.C_Charge_ID as number) : undefined;
      return {
        id: l.C_OrderLine_ID,
        line: l.Line,
        productId: l.M_Product_ID ?? null,
        productValue: p?.Value ?? null,
        chargeId: l.C_Charge_ID ?? null,
        chargeName: c?.Name ?? null,
        description: l.Description ?? null,
        qtyEntered: l.QtyEntered,
        qtyOrdered: l.QtyOrdered,
        qtyDelivered: l.QtyDelivered,
        priceEntered: l.PriceEntered,
        priceActual: l.PriceActual,
        priceList: l.PriceList,
        lineNetAmt: l.LineNetAmt,
      };
    });
    const shipments = store.children('M_InOut', o.C_Order_ID as number).map((s) => ({
      id: s.M_InOut_ID,
      documentNo: s.DocumentNo,
      docStatus: s.DocStatus,
      shipperId: s.M_Shipper_ID ?? null,
      shipper: s.M_Shipper_ID ? (store.get('M_Shipper', s.M_Shipper_ID as number)?.Name ?? null) : null,
      trackingNo: s.TrackingNo ?? null,
      movementDate: s.MovementDate,
    }));
    out.push({
      id: o.C_Order_ID,
      documentNo: o.DocumentNo,
      poReference: o.POReference ?? null,
      description: o.Description ?? null,
      docStatus: o.DocStatus,
      processed: o.Processed,
      orgId: o.AD_Org_ID,
      docTypeTargetId: o.C_DocTypeTarget_ID,
      dateOrdered: o.DateOrdered,
      warehouseId: o.M_Warehouse_ID,
      priceListId: o.M_PriceList_ID,
      bpartner: bp ? { id: bp.C_BPartner_ID, value: bp.Value, name: bp.Name } : null,
      bpartnerLocationId: o.C_BPartner_Location_ID,
      totalLines: o.TotalLines,
      grandTotal: o.GrandTotal,
      lines,
      shipments,
    });
  }
  return out;
}

export function summary(state: IdempiereState): IdempiereSummary {
  const ordersByStatus: Record<string, number> = {};
  let n = 0;
  for (const o of state.store.all('C_Order')) {
    n++;
    const s = o.DocStatus as string;
    ordersByStatus[s] = (ordersByStatus[s] ?? 0) + 1;
  }
  const { writes } = state;
  return {
    orders: n,
    ordersByStatus,
    writes: writes.total,
    requests: writes.requests,
    overlappingWrites: writes.overlapping,
  };
}

/** The GardenWorld login a client uses (one-step login with these parameters). */
export function credentials(): IdempiereCredentials {
  return {
    userName: SEED.userName,
    password: SEED.password,
    clientId: SEED.clientId,
    roleId: SEED.roleAdmin,
    organizationId: SEED.orgHQ,
    warehouseId: SEED.warehouseHQ,
    language: SEED.language,
  };
}

export function configure(state: IdempiereState, c: IdempiereConfig): void {
  const pos = (name: string, v: unknown) => {
    if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0)
      throw new Error(`${name} must be a positive integer, got ${JSON.stringify(v)}`);
    return v;
  };
  const { auth, modelOptions } = state;
  if (c.tokenExpiresInSeconds !== undefined)
    auth.config.tokenExpiresInSeconds = pos('tokenExpiresInSeconds', c.tokenExpiresInSeconds);
  if (c.refreshTokenExpiresInSeconds !== undefined)
    auth.config.refreshTokenExpiresInSeconds = pos('refreshTokenExpiresInSeconds', c.refreshTokenExpiresInSeconds);
  if (c.poReferenceLength !== undefined) modelOptions.poReferenceLength = pos('poReferenceLength', c.poReferenceLength);
}

/** POST /ship, GET /orders, /writes, /summary, /credentials, POST /reset, /config, POST|DELETE /faults. */
export async function registerControlRoutes(
  app: FastifyInstance,
  sandbox: IdempiereSandbox,
  state: IdempiereState,
  prefix: string,
): Promise<void> {
  await app.register(
    async (c) => {
      const bad = (reply: FastifyReply, err: unknown) => {
        if (err instanceof RestError) return send(reply, err.status, errorBody(err));
        return send(reply, 400, { title: 'Bad Request', status: 400, detail: (err as Error).message });
      };
      c.post('/ship', async (req, reply) => {
        try {
          return send(reply, 201, sandbox.ship((req.body ?? {}) as ShipRequest));
        } catch (err) {
          return bad(reply, err);
        }
      });
      c.get('/orders', async (_req, reply) => send(reply, 200, sandbox.orders()));
      c.get('/writes', async (_req, reply) => send(reply, 200, sandbox.writes()));
      c.get('/summary', async (_req, reply) => send(reply, 200, sandbox.summary()));
      c.get('/credentials', async (_req, reply) => send(reply, 200, sandbox.credentials()));
      c.post('/reset', async (_req, reply) => {
        sandbox.reset();
        return send(reply, 200, sandbox.summary());
      });
      c.post('/config', async (req, reply) => {
        try {
          sandbox.configure((req.body ?? {}) as IdempiereConfig);
          return send(reply, 200, { ...state.auth.config, poReferenceLength: state.modelOptions.poReferenceLength });
        } catch (err) {
          return bad(reply, err);
        }
      });
      c.post('/faults', async (req, reply) => {
        try {
          sandbox.setFaults((req.body ?? {}) as IdempiereFaults);
          return send(reply, 200, { ok: true });
        } catch (err) {
          return bad(reply, err);
        }
      });
      c.delete('/faults', async (_req, reply) => {
        sandbox.clearFaults();
        return send(reply, 200, { ok: true });
      });
    },
    { prefix },
  );
}
