// momo: unsendCompanyConfirm with every row of the order, per-row results.
import { logisticsSuite } from './suite';

logisticsSuite('momo', {
  shippable: (o) => o.status === 'paid' || o.status === 'ready_to_ship',
  badCarrier: '飛鴿傳書',
});
