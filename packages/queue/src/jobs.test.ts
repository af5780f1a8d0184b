import { describe, expect, it } from 'vitest';
import { jobs, parseJobId } from './jobs';

const A = '7d3f6c1e-8a52-4c1b-9a51-3f1f0e6a2b10';
const B = '0b6c2a4e-1f3d-4e5a-8b7c-9d0e1f2a3b4c';

describe('parseJobId', () => {
  it('gives back the ids each deterministic job id was built from', () => {
    expect(parseJobId('getOrders', jobs.getOrders.jobId!({ channelId: A }))).toEqual({ channelId: A });
    expect(parseJobId('refreshToken', jobs.refreshToken.jobId!({ channelId: A }))).toEqual({ channelId: A });
    expect(parseJobId('backfill', jobs.backfill.jobId!({ channelId: A, syncRunId: B }))).toEqual({ syncRunId: B });
    expect(parseJobId('pushShipment', jobs.pushShipment.jobId!({ shipmentId: B }))).toEqual({ shipmentId: B });
    // The id keeps the first 16 characters of the content hash.
    const hash = 'abcdef0123456789fedcba9876543210';
    expect(parseJobId('writeOrder', jobs.writeOrder.jobId!({ orderId: A, contentHash: hash }))).toEqual({
      orderId: A,
      contentHashPrefix: hash.slice(0, 16),
    });
  });

  it('is null for the ids of other jobs and for ids it did not build', () => {
    expect(parseJobId('writeOrder', jobs.pushShipment.jobId!({ shipmentId: B }))).toBeNull();
    expect(parseJobId('getOrders', jobs.refreshToken.jobId!({ channelId: A }))).toBeNull();
    expect(parseJobId('getOrders', `get-orders-${A}-retry1`)).toBeNull();
    expect(parseJobId('writeOrder', `write-order-${A}`)).toBeNull();
    expect(parseJobId('writeOrder', `repeat:poll-shipments:1700000000000`)).toBeNull();
    // Jobs without a deterministic id have nothing to parse.
    expect(parseJobId('fetchOrder', `fetch-order-${A}`)).toBeNull();
  });
});
