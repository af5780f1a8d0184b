// Shopee: pickup/dropoff orders get their tracking number from Shopee (read back, written into
// iDempiere); non-integrated orders take the warehouse's number. Shopee's logistics channel names the carrier.
import { logisticsSuite } from './suite';

logisticsSuite('shopee', {
  shippable: (o) => o.status === 'paid' || o.status === 'ready_to_ship',
  platformAssigns: (o) => o.delivery !== 'non_integrated',
  carrierFromPlatform: true,
});
