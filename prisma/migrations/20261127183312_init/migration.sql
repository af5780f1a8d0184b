-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateEnum
CREATE TYPE "PlatformKind" AS ENUM ('shopee', 'cyberbiz', 'shopline', 'momo');

-- CreateEnum
CREATE TYPE "ChannelState" AS ENUM ('active', 'paused', 'needs_reauth', 'failing');

-- CreateEnum
CREATE TYPE "CustomerMode" AS ENUM ('per_buyer', 'default_customer');

-- CreateEnum
CREATE TYPE "SkuMatch" AS ENUM ('value', 'upc', 'sku');

-- CreateEnum
CREATE TYPE "OrderStatus" AS ENUM ('pending_payment', 'paid', 'ready_to_ship', 'shipped', 'delivered', 'completed', 'cancelled', 'returned');

-- CreateEnum
CREATE TYPE "ErpState" AS ENUM ('waiting', 'pending', 'writing', 'written', 'blocked', 'failed', 'needs_attention');

-- CreateEnum
CREATE TYPE "ShipmentState" AS ENUM ('pending', 'pushing', 'pushed', 'awaiting_tracking', 'blocked', 'failed');

-- CreateEnum
CREATE TYPE "ApiKeyRole" AS ENUM ('admin', 'viewer');

-- CreateTable
CREATE TABLE "oms_platform" (
    "id" UUID NOT NULL,
    "kind" "PlatformKind" NOT NULL,
    "api_version" TEXT,
    "name" TEXT NOT NULL,
    "description" TEXT,
    "api_host" TEXT NOT NULL,
    "auth_host" TEXT,
    "app_id" TEXT,
    "app_secret_enc" TEXT,
    "settings" JSONB NOT NULL DEFAULT '{}',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    "deleted_at" TIMESTAMPTZ(3),

    CONSTRAINT "oms_platform_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "oms_channel" (
    "id" UUID NOT NULL,
    "platform_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT,
    "external_shop_id" TEXT NOT NULL,
    "access_token_enc" TEXT,
    "refresh_token_enc" TEXT,
    "access_token_expires_at" TIMESTAMPTZ(3),
    "refresh_token_expires_at" TIMESTAMPTZ(3),
    "token_version" INTEGER NOT NULL DEFAULT 0,
    "credentials_enc" TEXT,
    "webhook_secret_enc" TEXT,
    "sync_interval_seconds" INTEGER NOT NULL DEFAULT 300,
    "sync_start_at" TIMESTAMPTZ(3) NOT NULL,
    "state" "ChannelState" NOT NULL DEFAULT 'active',
    "stage" TEXT NOT NULL DEFAULT 'idle',
    "stage_started_at" TIMESTAMPTZ(3),
    "last_success_at" TIMESTAMPTZ(3),
    "last_error_at" TIMESTAMPTZ(3),
    "last_error" TEXT,
    "failure_count" INTEGER NOT NULL DEFAULT 0,
    "cursor_created_at" TIMESTAMPTZ(3),
    "cursor_updated_at" TIMESTAMPTZ(3),
    "erp_org_id" INTEGER,
    "erp_warehouse_id" INTEGER,
    "erp_doc_type_id" INTEGER,
    "erp_price_list_id" INTEGER,
    "erp_payment_term_id" INTEGER,
    "erp_default_customer_id" INTEGER,
    "erp_customer_group_id" INTEGER,
    "erp_shipping_charge_id" INTEGER,
    "erp_discount_charge_id" INTEGER,
    "customer_mode" "CustomerMode" NOT NULL DEFAULT 'default_customer',
    "sku_match" "SkuMatch" NOT NULL DEFAULT 'value',
    "allow_create_products" BOOLEAN NOT NULL DEFAULT false,
    "erp_create_on" "OrderStatus"[] DEFAULT ARRAY[]::"OrderStatus"[],
    "complete_in_erp" BOOLEAN NOT NULL DEFAULT true,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    "deleted_at" TIMESTAMPTZ(3),

    CONSTRAINT "oms_channel_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "oms_order" (
    "id" UUID NOT NULL,
    "channel_id" UUID NOT NULL,
    "external_id" TEXT NOT NULL,
    "external_number" TEXT,
    "platform_status" TEXT,
    "status" "OrderStatus",
    "platform_created_at" TIMESTAMPTZ(3),
    "platform_updated_at" TIMESTAMPTZ(3),
    "raw" JSONB NOT NULL,
    "normalized" JSONB,
    "content_hash" TEXT NOT NULL,
    "invalid_reason" TEXT,
    "erp_state" "ErpState" NOT NULL DEFAULT 'pending',
    "erp_reason" TEXT,
    "erp_order_id" INTEGER,
    "erp_document_no" TEXT,
    "erp_doc_status" TEXT,
    "erp_reference" TEXT,
    "erp_written_hash" TEXT,
    "erp_attempts" INTEGER NOT NULL DEFAULT 0,
    "erp_updated_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "oms_order_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "oms_sync_run" (
    "id" UUID NOT NULL,
    "channel_id" UUID NOT NULL,
    "kind" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'running',
    "window_from" TIMESTAMPTZ(3),
    "window_to" TIMESTAMPTZ(3),
    "pages" INTEGER NOT NULL DEFAULT 0,
    "orders_new" INTEGER NOT NULL DEFAULT 0,
    "orders_changed" INTEGER NOT NULL DEFAULT 0,
    "orders_unchanged" INTEGER NOT NULL DEFAULT 0,
    "orders_invalid" INTEGER NOT NULL DEFAULT 0,
    "progress" DOUBLE PRECISION,
    "error" TEXT,
    "started_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finished_at" TIMESTAMPTZ(3),
    "duration_ms" INTEGER,

    CONSTRAINT "oms_sync_run_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "oms_shipment" (
    "id" UUID NOT NULL,
    "order_id" UUID NOT NULL,
    "channel_id" UUID NOT NULL,
    "erp_inout_id" INTEGER NOT NULL,
    "erp_document_no" TEXT,
    "erp_shipper_id" INTEGER,
    "erp_shipper_name" TEXT,
    "carrier" TEXT,
    "tracking_number" TEXT,
    "package_number" TEXT,
    "shipped_at" TIMESTAMPTZ(3),
    "state" "ShipmentState" NOT NULL DEFAULT 'pending',
    "reason" TEXT,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "pushed_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "oms_shipment_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "oms_sku_mapping" (
    "id" UUID NOT NULL,
    "channel_id" UUID NOT NULL,
    "platform_sku" TEXT NOT NULL,
    "erp_product_id" INTEGER NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "oms_sku_mapping_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "oms_carrier_mapping" (
    "id" UUID NOT NULL,
    "channel_id" UUID NOT NULL,
    "erp_shipper_name" TEXT NOT NULL,
    "platform_carrier" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "oms_carrier_mapping_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "oms_customer" (
    "id" UUID NOT NULL,
    "channel_id" UUID NOT NULL,
    "buyer_key" TEXT NOT NULL,
    "erp_customer_id" INTEGER NOT NULL,
    "erp_location_id" INTEGER,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "oms_customer_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "oms_erp_call" (
    "id" UUID NOT NULL,
    "order_id" UUID,
    "shipment_id" UUID,
    "action" TEXT NOT NULL,
    "method" TEXT NOT NULL,
    "path" TEXT NOT NULL,
    "request" JSONB,
    "status" INTEGER,
    "duration_ms" INTEGER NOT NULL,
    "document_no" TEXT,
    "error" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "oms_erp_call_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "oms_cursor" (
    "name" TEXT NOT NULL,
    "value" TEXT NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "oms_cursor_pkey" PRIMARY KEY ("name")
);

-- CreateTable
CREATE TABLE "oms_webhook_receipt" (
    "id" UUID NOT NULL,
    "platform" "PlatformKind" NOT NULL,
    "channel_id" UUID,
    "topic" TEXT,
    "verified" BOOLEAN NOT NULL,
    "reason" TEXT,
    "received_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "oms_webhook_receipt_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "oms_api_key" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "role" "ApiKeyRole" NOT NULL,
    "key_hash" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_used_at" TIMESTAMPTZ(3),
    "revoked_at" TIMESTAMPTZ(3),

    CONSTRAINT "oms_api_key_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "oms_channel_state_idx" ON "oms_channel"("state");

-- CreateIndex
CREATE UNIQUE INDEX "oms_channel_platform_id_external_shop_id_key" ON "oms_channel"("platform_id", "external_shop_id");

-- CreateIndex
CREATE INDEX "oms_order_erp_state_idx" ON "oms_order"("erp_state");

-- CreateIndex
CREATE INDEX "oms_order_channel_id_platform_updated_at_idx" ON "oms_order"("channel_id", "platform_updated_at");

-- CreateIndex
CREATE UNIQUE INDEX "oms_order_channel_id_external_id_key" ON "oms_order"("channel_id", "external_id");

-- CreateIndex
CREATE INDEX "oms_sync_run_channel_id_started_at_idx" ON "oms_sync_run"("channel_id", "started_at");

-- CreateIndex
CREATE UNIQUE INDEX "oms_shipment_erp_inout_id_key" ON "oms_shipment"("erp_inout_id");

-- CreateIndex
CREATE INDEX "oms_shipment_state_idx" ON "oms_shipment"("state");

-- CreateIndex
CREATE UNIQUE INDEX "oms_sku_mapping_channel_id_platform_sku_key" ON "oms_sku_mapping"("channel_id", "platform_sku");

-- CreateIndex
CREATE UNIQUE INDEX "oms_carrier_mapping_channel_id_erp_shipper_name_key" ON "oms_carrier_mapping"("channel_id", "erp_shipper_name");

-- CreateIndex
CREATE UNIQUE INDEX "oms_customer_channel_id_buyer_key_key" ON "oms_customer"("channel_id", "buyer_key");

-- CreateIndex
CREATE INDEX "oms_erp_call_order_id_created_at_idx" ON "oms_erp_call"("order_id", "created_at");

-- CreateIndex
CREATE INDEX "oms_webhook_receipt_platform_received_at_idx" ON "oms_webhook_receipt"("platform", "received_at");

-- CreateIndex
CREATE UNIQUE INDEX "oms_api_key_key_hash_key" ON "oms_api_key"("key_hash");

-- AddForeignKey
ALTER TABLE "oms_channel" ADD CONSTRAINT "oms_channel_platform_id_fkey" FOREIGN KEY ("platform_id") REFERENCES "oms_platform"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "oms_order" ADD CONSTRAINT "oms_order_channel_id_fkey" FOREIGN KEY ("channel_id") REFERENCES "oms_channel"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "oms_sync_run" ADD CONSTRAINT "oms_sync_run_channel_id_fkey" FOREIGN KEY ("channel_id") REFERENCES "oms_channel"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "oms_shipment" ADD CONSTRAINT "oms_shipment_order_id_fkey" FOREIGN KEY ("order_id") REFERENCES "oms_order"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "oms_shipment" ADD CONSTRAINT "oms_shipment_channel_id_fkey" FOREIGN KEY ("channel_id") REFERENCES "oms_channel"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "oms_sku_mapping" ADD CONSTRAINT "oms_sku_mapping_channel_id_fkey" FOREIGN KEY ("channel_id") REFERENCES "oms_channel"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "oms_carrier_mapping" ADD CONSTRAINT "oms_carrier_mapping_channel_id_fkey" FOREIGN KEY ("channel_id") REFERENCES "oms_channel"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "oms_customer" ADD CONSTRAINT "oms_customer_channel_id_fkey" FOREIGN KEY ("channel_id") REFERENCES "oms_channel"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "oms_erp_call" ADD CONSTRAINT "oms_erp_call_order_id_fkey" FOREIGN KEY ("order_id") REFERENCES "oms_order"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "oms_erp_call" ADD CONSTRAINT "oms_erp_call_shipment_id_fkey" FOREIGN KEY ("shipment_id") REFERENCES "oms_shipment"("id") ON DELETE SET NULL ON UPDATE CASCADE;
