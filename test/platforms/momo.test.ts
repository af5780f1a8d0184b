import { importSuite } from './import-suite';
import { shipmentSuite } from './shipment-suite';

// 70 days: more than one two-month query window.
importSuite('momo', { tokens: false, days: 70 });
shipmentSuite('momo', {
  eligible: (o) => o.status === 'paid' || o.status === 'ready_to_ship',
  carrier: '宅配通',
  badCarrier: '飛鴿傳書',
});
