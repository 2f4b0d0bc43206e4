// Which file layout a header row is, and which column plays which role. Column names are compared
// after normalising (lower case, letters and digits only), so "Lineitem quantity", "lineItemQuantity"
// and "LINEITEM_QUANTITY" are the same column. Columns are never taken by position.
import type { FormatName, InputKind } from '../types.js'

export function normaliseColumnName (name: string): string {
  return name.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '')
}

/** Synonyms per role, normalised, in order of preference. */
const ORDER_ID = ['orderid', 'order', 'ordernumber', 'orderno', 'ordernum', 'ordername', 'invoice', 'invoiceno', 'invoicenumber',
  'invoiceid', 'transactionid', 'transaction', 'transactionno', 'basket', 'basketid', 'receipt', 'receiptid', 'receiptno',
  'receiptnumber', 'ticket', 'ticketid', 'billno']
const PRODUCT_ID = ['productid', 'itemid', 'productcode', 'itemcode', 'articleid', 'articlenumber', 'productno', 'productnumber']
const SKU = ['sku', 'stockcode', 'variantsku', 'itemsku', 'skucode', 'lineitemsku']
const TITLE = ['producttitle', 'productname', 'title', 'product', 'item', 'itemname', 'description', 'itemdescription', 'productdescription']
const VARIANT_TITLE = ['varianttitle', 'variantname', 'variant', 'lineitemvarianttitle']
const QUANTITY = ['quantity', 'qty', 'lineitemquantity', 'units', 'quantityordered', 'qtyordered', 'unitssold', 'itemquantity']
const PRICE = ['unitprice', 'price', 'lineitemprice', 'originalunitprice', 'itemprice', 'priceeach', 'saleprice', 'sellingprice']
const DATE = ['createdat', 'orderdate', 'date', 'invoicedate', 'createddate', 'datecreated', 'processedat', 'transactiondate',
  'orderedat', 'purchasedate', 'timestamp', 'datetime', 'time']
const STATUS = ['financialstatus', 'displayfinancialstatus', 'paymentstatus', 'orderstatus', 'status']
const CANCELLED = ['cancelledat', 'canceledat', 'cancelleddate', 'canceleddate', 'cancelled', 'canceled']
const GIFT_CARD = ['isgiftcard', 'giftcard', 'lineitemgiftcard']
const VENDOR = ['vendor', 'brand', 'productvendor', 'lineitemvendor']
const TYPE = ['producttype', 'type', 'productcategory', 'category']
const TAGS = ['tags', 'producttags']
const COST = ['costperitem', 'unitcost', 'cost']
const CATALOG_KEY = ['productid', 'id', 'sku', 'handle', 'productcode', 'itemid', 'stockcode', 'itemcode']
const CATALOG_TITLE = ['name', 'title', 'productname', 'producttitle', 'description', 'product', 'item', 'itemname']
/** Names only the Shopify GraphQL layout uses (camelCase fields of an order line). */
const GRAPHQL_SIGNALS = ['lineitemquantity', 'displayfinancialstatus', 'originalunitprice', 'isgiftcard', 'lineitemid']
/**
 * GraphQL's product title fields, spelled exactly so (camelCase). Beside a `name` column they show a
 * GraphQL order-line file: the product has its own title column, so `name` is the order's (#1001).
 */
const GRAPHQL_LINE_TITLES = ['productTitle', 'variantTitle']

/** Column index per role; -1 when the file has no such column. */
export interface OrderLayout {
  kind: 'orders'
  format: 'shopify-orders' | 'shopify-graphql' | 'generic-orders'
  order: number
  productId: number
  variantId: number
  sku: number
  title: number
  /**
   * A variant's own title (`variant_title`, GraphQL `variantTitle`): only its presence is used, as evidence
   * that the title column names products, not "Product - Variant" lines.
   */
  variantTitle: number
  /** Shopify "Lineitem name" ("Product - Variant"): variants are rolled up from it when there is no product id. */
  lineName: number
  quantity: number
  price: number
  date: number
  status: number
  cancelled: number
  giftCard: number
  vendor: number
  type: number
  /** Shop currency (ISO code): Shopify's order-level `Currency`, GraphQL `currencyCode`, or a `currency` column. */
  currency: number
}

export interface CatalogLayout {
  kind: 'catalog'
  format: 'shopify-products' | 'generic-catalog'
  key: number
  title: number
  sku: number
  price: number
  cost: number
  inventory: number
  status: number
  giftCard: number
  vendor: number
  type: number
  tags: number
  imageSrc: number
  option1: number
}

export type Layout = OrderLayout | CatalogLayout

/** What each format needs, for the "unrecognised format" message. */
export const EXPECTED_COLUMNS: Record<FormatName, string[]> = {
  'shopify-orders': ['Name', 'Lineitem name', 'Lineitem quantity'],
  'shopify-graphql': ['order_id (or name)', 'productId (or variantId, sku, productTitle)', 'lineItemQuantity'],
  'generic-orders': [
    'order_id (or order, order_number, invoice, InvoiceNo, transaction_id, basket)',
    'product_id (or sku, StockCode, item, product, product_title, Description)',
    'quantity (or qty; optional, 1 when absent)'
  ],
  'shopify-products': ['Handle', 'Title', 'Variant Price'],
  'generic-catalog': ['product_id (or id, sku, handle)', 'name (or title)', 'price, type, vendor, tags, cost (optional)']
}

export const KIND_OF: Record<FormatName, InputKind> = {
  'shopify-orders': 'orders',
  'shopify-graphql': 'orders',
  'generic-orders': 'orders',
  'shopify-products': 'catalog',
  'generic-catalog': 'catalog'
}

class ColumnIndex {
  private readonly first = new Map<string, number>()
  private readonly exact: Set<string>
  constructor (columns: string[]) {
    this.exact = new Set(columns.map(c => c.trim()))
    columns.forEach((c, i) => {
      const n = normaliseColumnName(c)
      if (n !== '' && !this.first.has(n)) this.first.set(n, i)
    })
  }

  has (name: string): boolean { return this.first.has(name) }

  /** True when a column is spelled exactly so (case and punctuation included). */
  hasExactly (name: string): boolean { return this.exact.has(name) }

  /** Index of the first present synonym, skipping columns already given another role. */
  find (synonyms: string[], taken: Set<number> = new Set()): number {
    for (const s of synonyms) {
      const i = this.first.get(s)
      if (i !== undefined && !taken.has(i)) return i
    }
    return -1
  }
}

/** Detects the layout of a header row, or null when it matches none. Order formats win over catalogs. */
export function detectLayout (columns: string[]): Layout | null {
  const ix = new ColumnIndex(columns)
  const orders = detectShopifyOrders(ix) ?? detectOrderLines(ix)
  // A file with an order-id column is order lines or nothing: never read it as a catalog.
  if (orders !== null || ORDER_ID.some(s => ix.has(s))) return orders
  return detectShopifyProducts(ix) ?? detectGenericCatalog(ix)
}

function detectShopifyOrders (ix: ColumnIndex): OrderLayout | null {
  if (!ix.has('name') || !ix.has('lineitemname') || GRAPHQL_SIGNALS.slice(1).some(s => ix.has(s)) || ix.has('productid') ||
    GRAPHQL_LINE_TITLES.some(s => ix.hasExactly(s))) return null
  return {
    kind: 'orders',
    format: 'shopify-orders',
    order: ix.find(['name']),
    productId: -1,
    variantId: -1,
    sku: ix.find(['lineitemsku']),
    title: -1,
    variantTitle: -1,
    lineName: ix.find(['lineitemname']),
    quantity: ix.find(['lineitemquantity']),
    price: ix.find(['lineitemprice']),
    date: ix.find(['createdat']),
    status: ix.find(['financialstatus']),
    cancelled: ix.find(['cancelledat']),
    giftCard: -1,
    vendor: ix.find(['vendor']),
    type: -1,
    currency: ix.find(['currency'])
  }
}

function detectOrderLines (ix: ColumnIndex): OrderLayout | null {
  const graphql = GRAPHQL_SIGNALS.some(s => ix.has(s)) || (ix.has('name') && GRAPHQL_LINE_TITLES.some(s => ix.hasExactly(s)))
  const taken = new Set<number>()
  const claim = (synonyms: string[]): number => {
    const i = ix.find(synonyms, taken)
    if (i >= 0) taken.add(i)
    return i
  }
  // In the GraphQL layout `name` is the order name (#1001); elsewhere "name" is too ambiguous for an order id.
  const order = claim(graphql ? ['orderid', 'name', ...ORDER_ID] : ORDER_ID)
  if (order < 0) return null
  const productId = claim(PRODUCT_ID)
  const variantId = claim(['variantid'])
  const sku = claim(SKU)
  const title = claim(TITLE)
  const variantTitle = claim(VARIANT_TITLE)
  const lineName = graphql ? claim(['lineitemname']) : -1
  if (productId < 0 && variantId < 0 && sku < 0 && title < 0 && lineName < 0) return null
  return {
    kind: 'orders',
    format: graphql ? 'shopify-graphql' : 'generic-orders',
    order,
    productId,
    variantId,
    sku,
    title,
    variantTitle,
    lineName,
    quantity: claim(QUANTITY),
    price: claim(PRICE),
    date: claim(DATE),
    status: claim(STATUS),
    cancelled: claim(CANCELLED),
    giftCard: claim(GIFT_CARD),
    vendor: claim(VENDOR),
    type: claim(TYPE),
    currency: claim(graphql ? ['currencycode', 'currency'] : ['currency', 'currencycode'])
  }
}

function detectShopifyProducts (ix: ColumnIndex): CatalogLayout | null {
  if (!ix.has('handle') || !(ix.has('title') || ix.has('variantprice') || ix.has('variantsku'))) return null
  return {
    kind: 'catalog',
    format: 'shopify-products',
    key: ix.find(['handle']),
    title: ix.find(['title']),
    sku: ix.find(['variantsku']),
    price: ix.find(['variantprice']),
    cost: ix.find(['costperitem']),
    inventory: ix.find(['variantinventoryqty']),
    status: ix.find(['status']),
    giftCard: ix.find(['giftcard']),
    vendor: ix.find(['vendor']),
    type: ix.find(['type', 'producttype']),
    tags: ix.find(['tags']),
    imageSrc: ix.find(['imagesrc']),
    option1: ix.find(['option1value'])
  }
}

function detectGenericCatalog (ix: ColumnIndex): CatalogLayout | null {
  const taken = new Set<number>()
  const claim = (synonyms: string[]): number => {
    const i = ix.find(synonyms, taken)
    if (i >= 0) taken.add(i)
    return i
  }
  const key = claim(CATALOG_KEY)
  const title = claim(CATALOG_TITLE)
  if (key < 0 || title < 0) return null
  return {
    kind: 'catalog',
    format: 'generic-catalog',
    key,
    title,
    sku: claim(['sku', 'variantsku']),
    price: claim(PRICE),
    cost: claim(COST),
    inventory: claim(['inventory', 'inventoryqty', 'stock', 'variantinventoryqty', 'quantity', 'qty']),
    status: claim(['status']),
    giftCard: claim(GIFT_CARD),
    vendor: claim(VENDOR),
    type: claim(TYPE),
    tags: claim(TAGS),
    imageSrc: -1,
    option1: -1
  }
}
