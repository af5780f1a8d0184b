import { importSuite, shipmentSuite } from './suite';

importSuite('cyberbiz', { tokens: true });
shipmentSuite('cyberbiz', {
  eligible: (o) => o.status === 'paid' || o.status === 'ready_to_ship',
  carrier: 'ezcat',
  badCarrier: 'pigeon_post',
  notReadyWhenUnpaid: true,
});
