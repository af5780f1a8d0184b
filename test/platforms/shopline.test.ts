import { importSuite } from './import-suite';
import { shipmentSuite } from './shipment-suite';

importSuite('shopline', { tokens: true });
shipmentSuite('shopline', {
  // Custom delivery takes the tracking number while paid or ready to ship; integrated delivery (7-11, ...) is
  // executed only while its delivery is pending (paid). Archived orders answer 410.
  eligible: (o) =>
    !o.archived &&
    (o.delivery === 'custom' ? o.status === 'paid' || o.status === 'ready_to_ship' : o.status === 'paid'),
  carrier: '黑貓宅急便',
  notReadyWhenUnpaid: true,
  // Integrated: execute_shipment, SHOPLINE assigns the number (read back later) and books its own carrier.
  platformAssigns: (o) => o.delivery !== 'custom',
  carrierFromPlatform: (o) => o.delivery !== 'custom',
  bothFlows: true,
  // One shipment, one confirmation: the tracking PATCH; the delivery-status PATCH is a step of it.
});
