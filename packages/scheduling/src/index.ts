export {
  Scheduler,
  schedulerSettings,
  type SchedulerSettings,
  type SchedulerOptions,
  type SweepChanges,
  type ScheduleChanges,
} from './scheduler';
export {
  publishChannelChanged,
  subscribeChannelChanges,
  channelEventsName,
  type ChannelSubscription,
  type EventTarget,
} from './events';
export { tokensExpire, refreshDue, refreshEverySeconds, type TokenFacts, type RefreshDecision } from './tokens';
export {
  desiredForChannel,
  planSchedules,
  sameSchedule,
  getOrdersSchedulerId,
  refreshTokenSchedulerId,
  channelOfSchedulerId,
  type ChannelRow,
  type DesiredSchedule,
  type ExistingSchedule,
  type SchedulePlan,
  type ScheduleSettings,
} from './schedules';
export {
  reconcileOrders,
  reconcileShipments,
  releaseStuckChannels,
  BATCH_SIZE,
  type ReconcileSettings,
  type ReleasedChannel,
} from './reconcile';
export { RedisLock } from './lock';
