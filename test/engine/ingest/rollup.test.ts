import t from 'tap'
import { buildBundleList } from '../../../src/engine/bundles/index.js'
import { ingest } from '../../../src/engine/ingest/index.js'
import { looksLikeOptionValue } from '../../../src/engine/ingest/option-values.js'
import { rollUpVariants } from '../../../src/engine/ingest/rollup.js'
import { basketsByTitle, sourceOf } from './helpers.js'

const SHOPIFY_HEAD = 'Name,Lineitem quantity,Lineitem name,Lineitem sku,Lineitem price\n'

t.test('different products sharing a " - " prefix are not rolled up into one', async t => {
  t.same(rollUpVariants([
    { name: 'Star Wars - Mug', sku: 'SW-MUG' }, { name: 'Star Wars - Poster', sku: 'SW-POSTER' }, // a brand prefix, not a product code
    { name: 'Harry Potter - Mug', sku: '' }, { name: 'Harry Potter - Wand', sku: '' }, // no SKUs, endings that name things
    { name: 'Marvel - Mug', sku: 'MV-01-MUG' }, { name: 'Marvel - Poster', sku: 'MV-01-POSTER' }, // a code, but the endings differ by a word
    { name: 'Isha - Album 1', sku: '0111224' }, { name: 'Isha - Album 2', sku: '0111225' } // sequential numbers are not one product
  ]), ['Star Wars - Mug', 'Star Wars - Poster', 'Harry Potter - Mug', 'Harry Potter - Wand', 'Marvel - Mug', 'Marvel - Poster',
    'Isha - Album 1', 'Isha - Album 2'], 'each keeps its full name')

  let csv = SHOPIFY_HEAD
  for (let o = 1; o <= 8; o++) csv += `#${o},1,Star Wars - Mug,SW-MUG,12.00\n#${o},1,Star Wars - Poster,SW-POSTER,20.00\n`
  for (let o = 9; o <= 40; o++) csv += `#${o},1,${o % 2 === 0 ? 'Tea' : 'Cup'},${o % 2 === 0 ? 'TEA' : 'CUP'},5.00\n`
  for (let o = 41; o <= 46; o++) csv += `#${o},1,Star Wars - Mug,SW-MUG,12.00\n#${o},1,Tea,TEA,5.00\n`
  const r = await ingest(sourceOf(csv))
  t.same(r.products.map(p => p.title).sort(), ['Cup', 'Star Wars - Mug', 'Star Wars - Poster', 'Tea'], 'the mug and the poster are two products')
  t.equal(r.summary.lines_dropped.duplicate_line, undefined, 'no line is merged as a repeat of a product')
  t.equal(basketsByTitle(r).filter(b => b === 'Star Wars - Mug×1 | Star Wars - Poster×1').length, 8, 'bought together in 8 orders')
  const { bundles } = buildBundleList(r, { minCount: 3 })
  t.ok(bundles.some(b => b.type === 'FBT' && b.items.map(i => i.title).sort().join(' + ') === 'Star Wars - Mug + Star Wars - Poster'),
    'the mug and poster pair is recommended')
  t.notOk(bundles.some(b => b.type === 'VOLUME' && b.items[0].title.startsWith('Star Wars')), 'no quantity break made up from two products')
})

t.test('variants still roll up: option-value endings, variant SKUs, the shop\'s proven values', async t => {
  t.same(rollUpVariants([
    { name: 'Hoodie - XL', sku: '' }, { name: 'Hoodie - Small', sku: '' }, // sizes, no SKUs
    { name: 'Scarf - Light Grey', sku: 'A' }, { name: 'Scarf - Navy', sku: 'B' }, // colours, SKUs that say nothing
    { name: 'Coffee - 250g', sku: 'CF-1' }, { name: 'Coffee - 1 kg', sku: 'CF-2' }, // measures
    { name: 'Gift Card - $25', sku: 'GIFT-1' }, { name: 'Gift Card - $50', sku: 'GIFT-2' }, // amounts
    { name: 'Candle - Lavender Fields', sku: 'CA-0012-1' }, { name: 'Candle - Cedar Smoke', sku: 'CA-0012-2' }, // gen-shop style variant SKUs
    { name: 'Kurta - Beige', sku: '0202531S' }, { name: 'Kurta - Onyx', sku: '0202531M' }, // a product code and a size letter (real export)
    { name: 'Tee - Slate Melange', sku: '040112_SS_S' }, { name: 'Tee - Dune', sku: '040112_SS_M' },
    { name: 'Beanie - XL', sku: '' } // a single variant sold, "XL" is proven by the hoodie
  ]), ['Hoodie', 'Hoodie', 'Scarf', 'Scarf', 'Coffee', 'Coffee', 'Gift Card', 'Gift Card', 'Candle', 'Candle', 'Kurta', 'Kurta', 'Tee', 'Tee', 'Beanie'],
  'every pair rolls up to its product')
})

t.test('option values: sizes, colours, measures, counts and numbers, not things', async t => {
  for (const v of ['S', 'XXL', 'Medium', 'One Size', '32', '10.5', '500ml', '6.5mm', '12 oz', '30x40 cm', 'Size 8', 'EU 42', '3-4 Years',
    'Pack of 3', '2-Pack', 'Style 1', 'Black', 'Off White', 'Olive Green', 'Black & White', '$25', '50 EUR']) {
    t.ok(looksLikeOptionValue(v), `"${v}" is an option value`)
  }
  for (const v of ['Mug', 'Poster', 'Wand', 'Rosé', 'Episode IV', 'English', 'Album']) t.notOk(looksLikeOptionValue(v), `"${v}" is not an option value`)
})
