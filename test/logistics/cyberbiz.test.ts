// Cyberbiz: custom_shipping fulfillments with the tracking company code from the carrier mapping.
import { logisticsSuite } from './suite';

logisticsSuite('cyberbiz', {
  shippable: (o) => o.status === 'paid' || o.status === 'ready_to_ship',
  badCarrier: 'pigeon_post',
});
