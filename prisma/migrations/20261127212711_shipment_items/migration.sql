-- AlterEnum
ALTER TYPE "ShipmentState" ADD VALUE 'not_pushed';

-- AlterTable
ALTER TABLE "oms_shipment" ADD COLUMN     "items" JSONB;
