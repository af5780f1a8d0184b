import { importSuite } from './import-suite';
import { shipmentSuite } from './shipment-suite';

importSuite('cyberbiz', { tokens: true });
shipmentSuite('cyberbiz', {
  eligible: (o) => o.status === 'paid' || o.status === 'ready_to_ship',
  carrier: 'ezcat',
  badCarrier: 'pigeon_post',
  notReadyWhenUnpaid: true,
});
