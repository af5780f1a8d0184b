// The bodies and queries the control plane accepts; bad input answers 400 naming the field.
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import { PLATFORM_KINDS } from '../world/model.ts';

export const platform = z.enum(PLATFORM_KINDS);

/** Orders of a platform (optionally one store): `count` oldest eligible ones, or the `externalIds` named. */
export const selection = z.object({
  platform,
  store: z.string().min(1).optional(),
  count: z.number().int().min(1).max(100_000).optional(),
  externalIds: z.array(z.string().min(1)).min(1).optional(),
});
export type Selection = z.infer<typeof selection>;

export const transitionSchema = selection
  .extend({ to: z.enum(['paid', 'ready_to_ship', 'shipped', 'cancelled', 'returned', 'completed']) })
  .strict()
  .refine((b) => (b.count === undefined) !== (b.externalIds === undefined), {
    message: 'give either count or externalIds',
    path: ['count'],
  });
export const corruptSchema = selection
  .extend({ kind: z.enum(['missing_items', 'bad_price']).optional() })
  .strict()
  .refine((b) => (b.count === undefined) !== (b.externalIds === undefined), {
    message: 'give either count or externalIds',
    path: ['count'],
  });
export const createSchema = z
  .object({ platform, store: z.string().min(1).optional(), count: z.number().int().min(1).max(10_000).default(1) })
  .strict();
export const splitSchema = z
  .object({
    store: z.string().min(1).optional(),
    externalIds: z.array(z.string().min(1)).min(1).optional(),
    count: z.number().int().min(1).max(100_000).optional(),
    /** Packages to deal the lines into round-robin (default 2)... */
    packages: z.number().int().min(2).max(20).optional(),
    /** ...or the seller's own grouping of line ids, one list per package (only with one externalId). */
    groups: z
      .array(z.array(z.string().min(1)).min(1))
      .min(2)
      .optional(),
  })
  .strict()
  .refine((b) => (b.count === undefined) !== (b.externalIds === undefined), {
    message: 'give either count or externalIds',
    path: ['count'],
  })
  .refine((b) => !b.groups || (b.externalIds?.length === 1 && b.packages === undefined), {
    message: 'groups go with exactly one externalId and no packages',
    path: ['groups'],
  });
export const tokenSchema = z
  .object({ platform: z.enum(['shopee', 'cyberbiz', 'shopline']), store: z.string().min(1).optional() })
  .strict();
export const pushSchema = z
  .object({
    platform: z.literal('shopee'),
    callbackUrl: z.url(),
    code: z.number().int().min(1),
    shopId: z.union([z.number().int(), z.string().regex(/^\d+$/)]),
    data: z.record(z.string(), z.unknown()),
    timestamp: z.number().int().optional(),
  })
  .strict();

/** The parsed input, or null after answering 400 with every field at fault. */
export function parse<T>(schema: z.ZodType<T>, body: unknown, reply: FastifyReply): T | null {
  const r = schema.safeParse(body ?? {});
  if (r.success) return r.data;
  const issues = r.error.issues.map((i) => ({ field: i.path.join('.') || '(body)', message: i.message }));
  void reply.code(400).send({ error: `invalid ${issues.map((i) => i.field).join(', ')}`, issues });
  return null;
}
