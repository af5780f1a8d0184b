export * from './jobs';
export { Queues, type JobWhere, type WantedJob } from './producer';
export { createRedis } from './connection';
export { startHealthServer, type HealthServer } from './health';
export {
  runService,
  handle,
  checkHandlers,
  type JobContext,
  type RegisteredHandler,
  type Consumer,
  type ServiceSpec,
  type RunningService,
} from './bootstrap';
export { UnrecoverableError, RateLimitError, DelayedError, Worker, Queue, type Job, type JobsOptions } from 'bullmq';
