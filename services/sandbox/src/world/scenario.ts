// A scenario: what a world is seeded from (POST /_sandbox/scenario). Same seed, same world.
import { z } from 'zod';
import { ORDER_STATUSES, type OrderStatus } from './model.ts';

const SEEDABLE = ORDER_STATUSES.filter((s) => s !== 'processed') as Exclude<OrderStatus, 'processed'>[];
const share = z.number().min(0).max(1);
const storeCount = z.number().int().min(0).max(200);

export const scenarioSchema = z
  .object({
    seed: z.number().int().default(1),
    stores: z
      .object({ shopee: storeCount, cyberbiz: storeCount, shopline: storeCount, momo: storeCount })
      .partial()
      .optional(),
    storesPerPlatform: storeCount.optional(),
    ordersPerStore: z.number().int().min(0).max(100_000).default(50),
    from: z.iso.datetime({ offset: true }).optional(),
    to: z.iso.datetime({ offset: true }).optional(),
    unknownSkuShare: share.default(0.05),
    codShare: share.default(0.2),
    /** Shopee: share of unshipped orders of two or more lines that the seller split into two packages. */
    shopeeSplitShare: share.default(0),
    /** Shopline: the oldest share of orders is archived (Get Order answers 410). */
    archivedShare: share.default(0.02),
    /** Weights of the statuses orders end in; statuses left out get none (default: a realistic mix). */
    statusMix: z
      .object(
        Object.fromEntries(SEEDABLE.map((s) => [s, z.number().min(0)])) as Record<
          (typeof SEEDABLE)[number],
          z.ZodNumber
        >,
      )
      .partial()
      .strict()
      .refine((m) => Object.values(m).some((w) => (w ?? 0) > 0), {
        message: 'at least one status needs a weight above 0',
      })
      .optional(),
  })
  .strict()
  .refine((s) => !s.from || !s.to || Date.parse(s.from) < Date.parse(s.to), {
    message: 'from must be before to',
    path: ['from'],
  });

export type ScenarioInput = z.input<typeof scenarioSchema>;
export type Scenario = z.output<typeof scenarioSchema>;

/** The statuses seeded orders end in, when the scenario gives no statusMix. */
export const DEFAULT_MIX: Record<(typeof SEEDABLE)[number], number> = {
  unpaid: 0.08,
  paid: 0.3,
  ready_to_ship: 0.1,
  shipped: 0.22,
  completed: 0.18,
  cancelled: 0.08,
  returned: 0.04,
};
