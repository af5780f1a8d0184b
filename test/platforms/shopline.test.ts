import { importSuite, shipmentSuite } from './suite';

importSuite('shopline', { tokens: true });
shipmentSuite('shopline', {
  // Tracking numbers can be set only on custom (non-integrated) delivery; archived orders answer 410.
  eligible: (o) => (o.status === 'paid' || o.status === 'ready_to_ship') && o.delivery === 'custom' && !o.archived,
  carrier: '黑貓宅急便',
  notReadyWhenUnpaid: true,
  // One PATCH of the tracking number and one of the delivery status: the sandbox counts each as a confirmation.
  confirmationsPerShipment: 2,
});
