// SHOPLINE: custom delivery takes the warehouse's tracking number (PATCH, then the delivery status);
// integrated delivery (7-11 and the like) is booked with execute_shipment, SHOPLINE assigns the number and its
// carrier, and the number is read back and written into iDempiere.
import { logisticsSuite } from './suite';

logisticsSuite('shopline', {
  shippable: (o) =>
    !o.archived &&
    (o.delivery === 'custom' ? o.status === 'paid' || o.status === 'ready_to_ship' : o.status === 'paid'),
  platformAssigns: (o) => o.delivery !== 'custom',
  carrierFromPlatform: (o) => o.delivery !== 'custom',
});
