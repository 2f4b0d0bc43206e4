import t from 'tap'
import { ingest } from '../../../src/engine/ingest/index.js'
import { rollUpVariants } from '../../../src/engine/ingest/rollup.js'
import type { IngestResult } from '../../../src/engine/types.js'
import { basketsByTitle, sourceOf } from './helpers.js'

const run = async (text: string, options = {}): Promise<IngestResult> => await ingest(sourceOf(text, 5), options)

const SHOPIFY_HEAD = 'Name,Email,Financial Status,Created at,Lineitem quantity,Lineitem name,Lineitem price,Lineitem sku,Cancelled at,Vendor,Billing Name\n'

t.test('order-level status: cancelled, voided, refunded dropped; partially refunded and pending kept', async t => {
  const csv = SHOPIFY_HEAD +
    '#1,a@x.com,paid,2025-01-01 10:00:00 -0500,1,Mug,10.00,M1,,Acme,Ann Lee\n' +
    '#1,a@x.com,,2025-01-01 10:00:00 -0500,1,Tea,5.00,T1,,Acme,\n' +
    '#2,b@x.com,paid,2025-01-02 10:00:00 -0500,1,Mug,10.00,M1,2025-01-03 10:00:00 -0500,Acme,Bo\n' +
    '#2,b@x.com,,2025-01-02 10:00:00 -0500,1,Tea,5.00,T1,,Acme,\n' + // Cancelled at only on the first row
    '#3,c@x.com,voided,2025-01-03 10:00:00 -0500,1,Mug,10.00,M1,,Acme,Cy\n' +
    '#4,d@x.com,refunded,2025-01-04 10:00:00 -0500,1,Mug,10.00,M1,,Acme,Di\n' +
    '#4,d@x.com,,2025-01-04 10:00:00 -0500,2,Tea,5.00,T1,,Acme,\n' +
    '#5,e@x.com,partially_refunded,2025-01-05 10:00:00 -0500,1,Mug,10.00,M1,,Acme,Ed\n' +
    '#5,e@x.com,,2025-01-05 10:00:00 -0500,1,Tea,5.00,T1,,Acme,\n' +
    '#6,f@x.com,pending,2025-01-06 10:00:00 -0500,1,Mug,10.00,M1,,Acme,Fa\n' +
    '#6,f@x.com,,2025-01-06 10:00:00 -0500,1,Tea,5.00,T1,,Acme,\n' +
    '#7,g@x.com,expired,2025-01-07 10:00:00 -0500,1,Mug,10.00,M1,,Acme,Gu\n'
  const r = await run(csv)
  t.same(r.summary.lines_dropped, { cancelled: 2, voided: 2, refunded: 2 }, 'dropped lines counted by reason (expired counts as voided)')
  t.equal(r.summary.orders_read, 7)
  t.equal(r.summary.orders_used, 3, 'orders #1, #5 (partially refunded) and #6 (pending) are kept')
  t.equal(r.summary.multi_product_orders, 3)
  t.same(Array.from(r.orderTimes ?? []), [Date.parse('2025-01-01T15:00:00Z'), Date.parse('2025-01-05T15:00:00Z'), Date.parse('2025-01-06T15:00:00Z')])
  const json = JSON.stringify(r)
  for (const pii of ['a@x.com', 'Ann Lee', 'Ed']) t.notOk(json.includes(pii), `customer data "${pii}" is not kept`)

  const strict = await run(csv, { dropPending: true })
  t.equal(strict.summary.orders_used, 2, 'dropPending leaves pending orders out')
  t.equal(strict.summary.lines_dropped.pending, 2)
})

t.test('a test store whose orders are mostly pending still has evidence', async t => {
  let csv = 'order_id,product_id,quantity,financial_status\n'
  for (let o = 1; o <= 20; o++) csv += `${o},A,1,${o % 5 === 0 ? 'paid' : 'pending'}\n${o},B,1,${o % 5 === 0 ? 'paid' : 'pending'}\n`
  const r = await run(csv)
  t.equal(r.summary.orders_used, 20)
  t.equal(r.summary.multi_product_orders, 20)
})

t.test('non-merchandise lines: gift cards, tips, shipping protection, free lines and samples', async t => {
  const csv = 'order_id,name,lineItemQuantity,productId,productTitle,lineItemName,sku,vendor,originalUnitPrice,isGiftCard,displayFinancialStatus\n' +
    'g1,#1,1,p1,Mug,Mug,M1,Acme,10.00,false,PAID\n' +
    'g1,#1,1,p2,Store Credit,Store Credit - $50,SC,Acme,50.00,true,PAID\n' + // flagged gift card
    'g1,#1,1,p3,Gift Card,Gift Card - $25,GIFT-1,Store,25.00,false,PAID\n' + // gift card by title
    'g1,#1,1,,Tip,Tip,,,5.00,false,PAID\n' +
    'g1,#1,1,p5,Shipping Protection,Shipping Protection,,Route,2.98,false,PAID\n' +
    'g1,#1,1,p6,Package Protection,Package Protection,,Corso,1.50,false,PAID\n' +
    'g1,#1,1,p7,Delivery Insurance,Delivery Insurance,,Store,1.00,false,PAID\n' +
    'g1,#1,1,p8,Free Sample Pack,Free Sample Pack,FREE,Store,3.00,false,PAID\n' +
    'g1,#1,1,p9,Sticker,Sticker,ST,Acme,0.00,false,PAID\n' +
    'g1,#1,2,p10,Tea,Tea,T1,Acme,5.00,false,PAID\n' +
    'g1,#1,3,p10,Tea,Tea,T1,Acme,5.00,false,PAID\n' +
    'g2,#2,1,p11,Tip Top Socks,Tip Top Socks,TT,Acme,9.00,false,PAID\n'
  const r = await run(csv)
  t.equal(r.format, 'shopify-graphql')
  t.same(r.summary.lines_dropped, { gift_card: 2, tip: 1, shipping_protection: 3, free_item: 2, duplicate_line: 1 })
  t.same(basketsByTitle(r), ['Mug×1 | Tea×5', 'Tip Top Socks×1'], 'one entry per product per order, quantities summed; "Tip Top Socks" is merchandise')
  t.same(r.products.map(p => p.title), ['Mug', 'Tea', 'Tip Top Socks'], 'only products of kept lines are in the dictionary')
})

t.test('WooCommerce statuses with a wc- prefix count like the plain ones', async t => {
  const csv = 'order_id,product,quantity,price,status\n' +
    '1,Mug,1,10,wc-cancelled\n1,Tea,1,5,wc-cancelled\n2,Mug,1,10,wc-refunded\n3,Mug,1,10,wc-failed\n' +
    '4,Mug,1,10,wc-completed\n4,Tea,1,5,wc-completed\n5,Mug,1,10,wc-on-hold\n5,Tea,1,5,wc-on-hold\n'
  const r = await run(csv)
  t.same(r.summary.lines_dropped, { cancelled: 2, refunded: 1, voided: 1 }, 'wc-cancelled, wc-refunded and wc-failed orders are dropped')
  t.equal(r.summary.orders_used, 2, 'wc-completed and wc-on-hold (pending) orders are kept')
  t.equal((await run(csv, { dropPending: true })).summary.lines_dropped.pending, 2, 'wc-on-hold is pending')
})

t.test('paid products whose names mention Route, a free gift or sample, a gift card or a tip are merchandise', async t => {
  const paid = ['Route 66 Coffee Mug', 'Gluten Free Gift Basket', 'Plastic Free Gift Set', 'Dairy Free Sample Box', 'Dairy-Free Sample Box',
    'Gift Card Holder - Leather', 'Leather Gift Card Holder', 'Wallet for Gift Cards', 'Tip (Replacement) for Pen', 'Postage Stamp Print',
    'Shipping Box', 'Manual Coffee Grinder']
  let csv = 'order_id,product,quantity,price\n'
  paid.forEach((name, i) => { csv += `1,"${name}",1,${14 + i}.00\n2,"${name}",1,${14 + i}.00\n` })
  const r = await run(csv)
  t.same(r.summary.lines_dropped, {}, 'no line dropped')
  t.same(r.products.map(p => p.title), paid, 'every one is a product')

  const catalog = await run('product_id,name,price\n' + paid.map((name, i) => `p${i},"${name}",${14 + i}.00`).join('\n') + '\n')
  t.same(catalog.products.map(p => p.title), paid, 'the catalog path keeps them too')
})

t.test('gift cards, tips, Route protection and free gifts named as such are still left out', async t => {
  const names: Array<[string, string]> = [
    ['Gift Card', 'gift_card'], ['Gift Card - $25', 'gift_card'], ['$50 Gift Card', 'gift_card'], ['E-Gift Card', 'gift_card'], ['Gift Certificate', 'gift_card'],
    ['Gift Voucher', 'gift_card'], ['Geschenkgutschein', 'gift_card'], ['Gutschein 50 €', 'gift_card'], ['Carte-cadeau', 'gift_card'],
    ['Tarjeta de regalo', 'gift_card'], ['Buono regalo', 'gift_card'],
    ['Tip', 'tip'], ['Tip for driver', 'tip'], ['Add a tip', 'tip'], ['Tip - 15%', 'tip'],
    ['Route', 'shipping_protection'], ['Route Package Protection', 'shipping_protection'], ['Route Protection', 'shipping_protection'],
    ['Free Gift', 'free_item'], ['Lavender Soap - Free Sample', 'free_item'], ['[FREE GIFT] Tote Bag', 'free_item'], ['Sample (free)', 'free_item']
  ]
  let csv = 'order_id,product,quantity,price\n1,Mug,1,10\n'
  for (const [name] of names) csv += `1,"${name}",1,5\n`
  const r = await run(csv)
  t.same(r.products.map(p => p.title), ['Mug'], 'only the mug is a product')
  const expected: Record<string, number> = {}
  for (const [, reason] of names) expected[reason] = (expected[reason] ?? 0) + 1
  t.same(r.summary.lines_dropped, expected, 'each counted under its reason')
})

t.test('service add-ons (protection plans, carbon offsets, donations, gift wrap) are dropped as service_add_on', async t => {
  const csv = 'order_id,name,lineItemQuantity,productId,productTitle,lineItemName,sku,vendor,productType,originalUnitPrice,isGiftCard,displayFinancialStatus\n' +
    'g1,#1,1,p1,Mug,Mug,M1,Acme,Kitchen,10.00,false,PAID\n' +
    'g1,#1,1,p2,Tea,Tea,T1,Acme,Tea,5.00,false,PAID\n' +
    'g1,#1,1,p3,Extend Protection Plan,Extend Protection Plan - 2 Years,,Extend,,2.99,false,PAID\n' +
    'g1,#1,1,p4,Accident Protection,Accident Protection,,Clyde,,3.49,false,PAID\n' +
    'g1,#1,1,p5,Product Protection,Product Protection,,Mulberry,,4.00,false,PAID\n' + // the app as vendor, a plan named
    'g1,#1,1,p6,Extended Warranty,Extended Warranty,,Store,,9.00,false,PAID\n' +
    'g1,#1,1,p7,XCover Protection,XCover Protection - 1 year,,XCover,,1.99,false,PAID\n' +
    'g1,#1,1,p8,EcoCart,EcoCart,,EcoCart,,0.85,false,PAID\n' +
    'g1,#1,1,p9,Offset my order,Offset my order,,Cloverly,,0.50,false,PAID\n' + // the app as vendor, any name
    'g1,#1,1,p10,Carbon offset,Carbon offset,,Shopify Planet,,0.40,false,PAID\n' +
    'g1,#1,1,p11,Donation,Donation - $5,,Store,,5.00,false,PAID\n' +
    'g1,#1,1,p12,Round up for charity,Round up for charity,,Store,,0.37,false,PAID\n' +
    'g1,#1,1,p13,Gift Wrap,Gift Wrap,,Store,,4.99,false,PAID\n' +
    'g1,#1,1,p14,Gift wrapping,Gift wrapping,,Store,,3.00,false,PAID\n' +
    'g1,#1,1,p15,Warm wishes,Warm wishes,,Store,Donation,2.00,false,PAID\n' + // by product type
    'g2,#2,1,p1,Mug,Mug,M1,Acme,Kitchen,10.00,false,PAID\n' +
    'g2,#2,1,p6,Extended Warranty,Extended Warranty,,Store,,9.00,false,PAID\n' +
    'g2,#2,1,p13,Gift Wrap,Gift Wrap,,Store,,4.99,false,PAID\n'
  const r = await run(csv)
  t.equal(r.format, 'shopify-graphql')
  t.same(r.summary.lines_dropped, { service_add_on: 15 }, 'every add-on line counted as service_add_on, nothing else dropped')
  t.same(r.products.map(p => p.title), ['Mug', 'Tea'], 'no add-on is a product')
  t.same(basketsByTitle(r), ['Mug×1 | Tea×1', 'Mug×1'], 'order #2 is a single-product order: its warranty and gift wrap are no co-purchase evidence')

  const catalog = await run('product_id,name,price,vendor,type\n1,Mug,10,Acme,Kitchen\n2,Extend Protection Plan,2.99,Extend,\n' +
    '3,Gift Wrap,4.99,Store,\n4,Carbon offset,0.40,EcoCart,\n5,Donation,5,Store,\n')
  t.same(catalog.products.map(p => p.title), ['Mug'], 'the catalog path leaves them out too')
  t.same(catalog.summary.lines_dropped, { service_add_on: 4 })
})

t.test('merchandise whose names, vendor or type mention a warranty, Mulberry, carbon, a donation or gift wrap is kept', async t => {
  const paid: Array<[string, string, string]> = [ // title, vendor, product type
    ['Gift Wrap Paper Roll', 'Paper & Co', 'Gift Wrap'], // a stationery shop's paper, under a "Gift Wrap" type
    ['Kraft Gift Wrap', 'Paper & Co', 'Gift Wrap'], ['Gift Wrapping Paper - Red', 'Paper & Co', 'Stationery'],
    ['Gift Note Cards', 'Paper & Co', 'Stationery'], ['Wrap Dress', 'Acme', 'Dress'],
    ['Warranty Card Holder', 'Acme', 'Accessories'], ['Lifetime Warranty Chef Knife', 'Acme', 'Kitchen'],
    ['Donation Box', 'Acme', 'Home'], ['Donation Jar', 'Acme', 'Home'], ['Round Up Cap', 'Acme', 'Hats'],
    ['Charity Wristband', 'Acme', 'Charity'], ['Carbon Neutral Coffee Beans', 'Acme', 'Coffee'], ['Carbon Steel Wok', 'Acme', 'Kitchen'],
    ['Offset Spatula', 'Acme', 'Kitchen'], ['Bayswater Bag', 'Mulberry', 'Bags'], // Mulberry the handbag brand
    ['Bloom 24 Hours Skin Hydrating Organic Lotion With Mulberry Extract (Oily Skin) - 100ml', 'Isha Life SG', 'Bloom Skin Care'], // real products export
    ['Bloom Extra Nourishment & Protection Organic Hair Serum', 'Isha Life SG', 'Bloom Hair Care'], // real products export
    ['Mulberry Protection Cream', 'Acme', 'Skin Care'], ['Planet Earth Poster', 'Acme', 'Posters']
  ]
  let csv = 'order_id,product,vendor,type,quantity,price\n'
  paid.forEach(([name, vendor, type], i) => { csv += `1,"${name}","${vendor}","${type}",1,${14 + i}.00\n2,"${name}","${vendor}","${type}",1,${14 + i}.00\n` })
  const r = await run(csv)
  t.same(r.summary.lines_dropped, {}, 'no line dropped')
  t.same(r.products.map(p => p.title), paid.map(([name]) => name), 'every one is a product')
})

t.test('postage, fee and adjustment lines (as in the Online Retail data) are dropped and counted as fee', async t => {
  const csv = 'InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice\n' +
    '536365,85123A,WHITE HANGING HEART,6,12/1/2010 8:26,2.55\n' +
    '536365,POST,POSTAGE,3,12/1/2010 8:26,18.00\n' +
    '536366,85123A,WHITE HANGING HEART,6,12/1/2010 8:28,2.55\n' +
    '536366,DOT,DOTCOM POSTAGE,1,12/1/2010 8:28,569.77\n' +
    '536366,C2,CARRIAGE,1,12/1/2010 8:28,50.00\n' +
    '536367,BANK CHARGES,Bank Charges,1,12/1/2010 8:30,15.00\n' +
    '536367,AMAZONFEE,AMAZON FEE,1,12/1/2010 8:30,1.00\n' +
    '536367,M,Manual,1,12/1/2010 8:30,0.85\n' +
    '536367,71053,WHITE METAL LANTERN,6,12/1/2010 8:30,3.39\n' +
    '536368,S1,Shipping,1,12/1/2010 8:31,4.95\n536368,71053,WHITE METAL LANTERN,1,12/1/2010 8:31,3.39\n'
  const r = await run(csv)
  t.same(r.summary.lines_dropped, { fee: 7 }, 'seven fee lines, nothing else dropped')
  t.same(r.products.map(p => p.title), ['WHITE HANGING HEART', 'WHITE METAL LANTERN'], 'only the merchandise is a product')
})

t.test('Shopify variants roll up to products only when the lines really show variants', async t => {
  t.same(rollUpVariants([
    { name: 'Crew Tee - S', sku: 'TEE-S' }, { name: 'Crew Tee - M', sku: 'TEE-M' }, // two sizes, one SKU stem
    { name: 'Wrap Dress - M / Black', sku: 'DR-1' }, // multi-option shape
    { name: 'Wool Socks - S', sku: 'SK-9-2' }, // a single variant sold, "S" is a proven size in this shop
    { name: 'Copper Pendant - Large', sku: '0111016 L' }, // a product title with " - ": sold alone, "Large" unproven
    { name: 'Summer - Red Wine', sku: 'W-RED' }, { name: 'Summer - Rosé', sku: 'CB-ETH' }, // SKUs disagree: different products
    { name: 'Plain Mug', sku: 'MUG' },
    { name: 'Bag - Big - Blue', sku: 'BG-1' }, { name: 'Bag - Big - Red', sku: 'BG-2' } // only the last " - " is the variant
  ]), ['Crew Tee', 'Crew Tee', 'Wrap Dress', 'Wool Socks', 'Copper Pendant - Large', 'Summer - Red Wine', 'Summer - Rosé', 'Plain Mug', 'Bag - Big', 'Bag - Big'])

  const csv = 'Name,Lineitem quantity,Lineitem name,Lineitem sku,Lineitem price\n' +
    '#1,1,Crew Tee - S,TEE-S,20\n#1,1,Crew Tee - M,TEE-M,20\n#1,1,Copper Pendant - Large,P-L,10\n' +
    '#2,1,Crew Tee - M,TEE-M,20\n#2,1,Mug,MUG,8\n'
  const r = await run(csv)
  t.same(r.products.map(p => [p.key, p.title, p.skus]), [
    ['crew tee', 'Crew Tee', ['TEE-S', 'TEE-M']],
    ['copper pendant - large', 'Copper Pendant - Large', ['P-L']],
    ['mug', 'Mug', ['MUG']]
  ])
  t.equal(r.summary.lines_dropped.duplicate_line, 1, 'two sizes of one tee in an order are one product (size bracketing)')
  t.same(basketsByTitle(r), ['Copper Pendant - Large×1 | Crew Tee×2', 'Crew Tee×1 | Mug×1'])
})

t.test('generic synonyms: InvoiceNo / StockCode / Description, negative quantities are returns', async t => {
  const csv = 'InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n' +
    '536365,85123A,WHITE HANGING HEART,6,12/1/2010 8:26,2.55,17850,United Kingdom\n' +
    '536365,71053,WHITE METAL LANTERN,6,12/1/2010 8:26,3.39,17850,United Kingdom\n' +
    'C536379,85123A,WHITE HANGING HEART,-1,12/1/2010 9:41,2.55,14527,United Kingdom\n'
  const r = await run(csv)
  t.equal(r.format, 'generic-orders')
  t.same(r.products.map(p => [p.key, p.title, p.price, p.skus]),
    [['white hanging heart', 'WHITE HANGING HEART', 2.55, ['85123A']], ['white metal lantern', 'WHITE METAL LANTERN', 3.39, ['71053']]],
    'without a product id column the Description names the product and the StockCode is its SKU')
  t.equal(r.summary.lines_dropped.refunded, 1)
  t.equal(r.summary.orders_used, 1)
  t.ok(Number.isFinite(r.orderTimes?.[0]), 'a US-style date still parses')
})

t.test('row-level problems are skipped and counted; a mostly bad file fails', async t => {
  const csv = 'order_id,product_id,quantity,price,created_at\n' +
    '1,A,1,10,2025-01-01\n' +
    '1,B,two,10,2025-01-01\n' + // bad quantity
    ',C,1,10,2025-01-01\n' + // missing order id
    '2,,1,10,2025-01-01\n' + // missing product
    '2,A,1,ten,2025-01-01\n' + // bad price
    '2,A,1,NaN,2025-01-01\n' +
    '3,A,1,1e309,not a date\n' + // Infinity is not a price
    '4,A,1e3,5,31/12/2025\n' + // 1e3 is a number; odd date is NaN, not an error
    '4,B,1,-0,sometime\n' + // -0 is a $0 line
    '5,A,1,10,2025-01-01\n5,B,1,10,2025-01-01\n5,C,1,10,2025-01-01\n6,A,1,10,2025-01-01\n' +
    '\n\n'
  const r = await run(csv)
  t.equal(r.summary.rows_read, 13, 'blank lines are not rows')
  t.same(r.summary.rows_skipped, { bad_quantity: 1, missing_order_id: 1, missing_product: 1, bad_price: 3 })
  t.equal(r.summary.lines_dropped.free_item, 1)
  t.same(basketsByTitle(r), ['A×1', 'A×1000', 'A×1 | B×1 | C×1', 'A×1'])
  t.ok(r.orderTimes !== null && Number.isNaN(r.orderTimes[1]), 'an unreadable date is NaN')

  const bad = 'order_id,product_id,quantity\n1,A,x\n2,B,y\n3,C,1\n'
  try {
    await run(bad)
    t.fail('expected MOSTLY_INVALID')
  } catch (err) {
    t.match(err, { code: 'MOSTLY_INVALID', details: { rows_read: 3, rows_skipped: { bad_quantity: 2 } } })
    t.match((err as Error).message, /2 of 3 data rows/)
  }
  const tolerant = await run(bad, { maxBadRowShare: 0.9 })
  t.equal(tolerant.summary.orders_used, 1, 'maxBadRowShare raises the bar')
})

t.test('numbers: thousands separators and decimal commas', async t => {
  const r = await run('order_id;product_id;quantity;price\n1;A;1;1,234.50\n2;B;1;12,50\n3;C;1;1.234,50\n4;D;"1";"$7.00"\n')
  t.same(r.products.map(p => p.price), [1234.5, 12.5, 1234.5, 7])
})

t.test('catalog cleaning: drafts, archived, gift cards, image rows', async t => {
  const csv = 'Handle,Title,Vendor,Type,Tags,Option1 Value,Variant SKU,Variant Price,Variant Inventory Qty,Image Src,Gift Card,Cost per item,Status\n' +
    'mug,Mug,Acme,Kitchen,"a, b",Default Title,M1,10.00,5,http://x/1.jpg,false,4.00,active\n' +
    'mug,,,,,,,,,http://x/2.jpg,,,\n' +
    'tee,Tee,Acme,Shirt,,S,T-S,20.00,2,,false,8.00,active\n' +
    'tee,,,,,M,T-M,22.00,3,,,9.00,\n' +
    'tee,,,,,L,T-L,20.00,,,,8.50,\n' +
    'old,Old,Acme,Kitchen,,Default Title,O1,5.00,0,,false,,archived\n' +
    'new,New,Acme,Kitchen,,Default Title,N1,5.00,0,,false,,draft\n' +
    'card,Gift Card,Store,,,$25,G1,25.00,,,true,,active\n' +
    'card,,,,,$50,G2,50.00,,,,,\n'
  const r = await run(csv)
  t.same(r.summary.lines_dropped, { image_row: 1, inactive_product: 2, gift_card: 2 })
  t.same(r.products.map(p => [p.key, p.title, p.price, p.cost, p.skus, p.inventory, p.tags]), [
    ['mug', 'Mug', 10, 4, ['M1'], 5, ['a', 'b']],
    ['tee', 'Tee', 20, 9, ['T-S', 'T-M', 'T-L'], 5, []]
  ])
  t.equal(r.summary.products, 2)
})
