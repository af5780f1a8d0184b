import { importSuite } from './import-suite';
import { shipmentSuite } from './shipment-suite';

importSuite('shopee', { tokens: true });
shipmentSuite('shopee', {
  eligible: (o) => o.status === 'paid' || o.status === 'ready_to_ship',
  carrier: '黑貓宅急便',
  carrierFromPlatform: true,
  notReadyWhenUnpaid: true,
  platformAssigns: (o) => o.delivery !== 'non_integrated',
});
