// The bundle engine's public contract. Plain TypeScript, no Fastify: the service, the CLI and the
// benchmarks all speak these types. Ingest (src/engine/ingest) turns bytes into an IngestResult;
// mining, ranking and pricing (src/engine/mining, src/engine/bundles) turn that into bundles.

/** Input layouts the engine recognises from the header row (never from column positions). */
export type FormatName =
  | 'shopify-orders' // Shopify admin "Export orders" (79 columns, grouped by Name)
  | 'shopify-graphql' // camelCase order lines pulled from the GraphQL Admin API
  | 'generic-orders' // order id + product id/sku/title + quantity (+ price, date, status)
  | 'shopify-products' // Shopify admin "Export products" (rows per variant, image-only rows)
  | 'generic-catalog' // product_id,name[,price,type,vendor,tags,cost]

export type InputKind = 'orders' | 'catalog'

/** One product after variants are rolled up. Its index in IngestResult.products is its id in baskets. */
export interface Product {
  /** Stable key: the product id, handle, or normalised title, whichever the format gives. */
  key: string
  title: string
  /** Distinct variant SKUs seen for this product (may be empty). */
  skus: string[]
  /** Representative unit price (the most common price seen on kept lines in the shop's currency), or null when unknown. */
  price: number | null
  /** Unit cost when the file carries it (Shopify products `Cost per item`), else null. */
  cost: number | null
  type: string | null
  vendor: string | null
  tags: string[]
  /** Catalogs: units in stock summed over variants, when the file tracks inventory (optional, added by ingest). */
  inventory?: number | null
  /**
   * Orders files: true when `price` is null although the file priced the product, in other currencies
   * than the shop's only (those prices are not comparable, so unused). Optional, added by ingest.
   */
  priceInOtherCurrencyOnly?: boolean
}

/** Why a line (or a whole order's lines) was left out of the evidence. Counted in the summary. */
export type DropReason =
  | 'cancelled'
  | 'voided'
  | 'refunded'
  | 'pending'
  | 'gift_card'
  | 'tip'
  | 'shipping_protection'
  | 'service_add_on' // protection plans and warranties, carbon offsets, donations, gift wrap and gift messages
  | 'fee' // postage, carriage, bank or marketplace charges, manual adjustments written as order lines
  | 'free_item'
  | 'duplicate_line' // same product again in one order (kept once; quantities summed)
  | 'inactive_product' // catalogs: draft/archived products
  | 'image_row' // Shopify products export rows that only carry an image

/** Why a row could not be read at all (bad number, missing id...). Counted, and the row skipped. */
export type RowErrorReason = string

export interface IngestSummary {
  format: FormatName
  kind: InputKind
  delimiter: string
  /** Data rows read (header excluded). */
  rows_read: number
  /** Rows skipped as unreadable, by reason. */
  rows_skipped: Record<RowErrorReason, number>
  /** Lines (or rows) left out by the cleaning rules, by reason. */
  lines_dropped: Partial<Record<DropReason, number>>
  /** Distinct orders seen in the file (orders files only; 0 for catalogs). */
  orders_read: number
  /** Orders kept as real sales with at least one merchandise line. */
  orders_used: number
  /** Kept orders with two or more distinct products: the only co-purchase evidence. */
  multi_product_orders: number
  /** Products that appear in kept orders (orders) or active catalog products (catalog). */
  products: number
  /** Milliseconds spent reading and mapping. */
  ms_ingest: number
  /** Things the merchant may want to know about the file (duplicate columns, ...); optional. */
  warnings?: string[]
}

/**
 * What ingest hands to mining. Baskets are stored CSR-style so a million orders fit in a few
 * typed arrays: basket i holds basketItems[basketOffsets[i] .. basketOffsets[i+1]).
 * Within a basket, product indexes are distinct and ascending; quantities are parallel to items.
 * Only kept orders (real sales, merchandise only) are present. Catalog inputs have zero baskets.
 */
export interface IngestResult {
  kind: InputKind
  format: FormatName
  products: Product[]
  basketOffsets: Int32Array
  basketItems: Int32Array
  basketQuantities: Int32Array
  /** Order creation time (ms since epoch) per basket, NaN when the file has none. Null if no dates at all. */
  orderTimes: Float64Array | null
  /**
   * The shop's currency (upper-case ISO 4217 code) when the file names one: the most common among
   * kept orders. When it names none (catalogs, files without a currency column), the one every price
   * that carries a marker writes, if that marker belongs to one currency alone ("1,299円" JPY, never
   * "$", "¥", "R" or "kr"); else null. Optional, added by ingest.
   */
  currency?: string | null
  summary: IngestSummary
}

export interface IngestOptions {
  /** Fail when more than this share of data rows is unreadable (default 0.5). */
  maxBadRowShare?: number
  /** Leave out orders whose payment is still pending (default false: they are kept, see ingest/cleaning.ts). */
  dropPending?: boolean
}

/** What the header row alone tells (used by the upload route to reject a file at once). */
export interface HeaderInspection {
  format: FormatName
  kind: InputKind
  delimiter: string
  /** Column names as found in the file. */
  columns: string[]
}

export type BundleType = 'FBT' | 'VOLUME'
export type BundleSource = 'orders' | 'catalog'

export interface BundleItem {
  key: string
  title: string
  skus: string[]
  /** Unit price, null when the file gave none. */
  price: number | null
  /** Units of this item in the bundle (1 for FBT; the tier's quantity for VOLUME). */
  quantity: number
}

/**
 * Statistics measured on the kept orders. All null for catalog-derived bundles: the engine never
 * invents support or lift.
 */
export interface BundleStats {
  /** Orders containing every item of the bundle (FBT), or orders buying 2+ units of the product (VOLUME). */
  count: number
  /** count / orders_used. */
  support: number
  /** FBT: P(rest | item) for each item, in item order (both ways for a pair). VOLUME: share of the product's orders with 2+ units. */
  confidence: number[]
  /** FBT: support / product of item supports. VOLUME: null. */
  lift: number | null
  /** FBT: support − product of item supports. VOLUME: null. */
  leverage: number | null
}

export interface VolumeTier {
  quantity: number
  discount_percent: number
  unit_price: number | null
  total_price: number | null
}

export interface BundlePricing {
  currency: string | null
  /** Sum of the items' unit prices × quantities, null when any price is unknown. */
  list_price: number | null
  discount_percent: number
  /** Never above list_price; rounded down to the currency's minor unit; never below the known costs. */
  bundle_price: number | null
  /** One sentence a merchant can read: why this discount. */
  explanation: string
  /** VOLUME only: the quantity breaks. */
  tiers?: VolumeTier[]
}

export interface Bundle {
  type: BundleType
  items: BundleItem[]
  stats: BundleStats | null
  pricing: BundlePricing
  /** Ranking score (higher is better); for catalog heuristics a heuristic strength in [0, 1). */
  score: number
  /** 1-based rank across all bundles of the run. */
  rank: number
  source: BundleSource
  /** Short human explanation of why this bundle was suggested. */
  reason: string
}

export interface EngineOptions {
  /** Largest itemset to mine (2..4, default 3). */
  maxSize?: number
  /** Minimum orders together for an FBT bundle (default: adaptive to shop size, at least 3). */
  minCount?: number
  /** Most bundles to return in total (default 100). */
  maxBundles?: number
  maxBadRowShare?: number
}

/** The ingest summary without its own timing: `ms.ingest` is the one ingest figure a run reports. */
export interface RunSummary extends Omit<IngestSummary, 'ms_ingest'> {
  bundles: { FBT: number; VOLUME: number }
  /** Milliseconds per stage: ingest, mine, rank, price, total. */
  ms: Record<string, number>
  options: Required<Pick<EngineOptions, 'maxSize' | 'minCount' | 'maxBundles'>>
}

export interface EngineResult {
  summary: RunSummary
  bundles: Bundle[]
}
