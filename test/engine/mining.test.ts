import t from 'tap'
import { basketsFromArrays, mineFrequentItemsets, parseBasketLines, parseNamedBasketLines, readBasketFile } from '../../src/engine/mining/index.js'
import type { FrequentItemsets } from '../../src/engine/mining/index.js'
import { bruteForceCounts, randomBaskets } from './helpers/random-baskets.js'

const RETAIL = new URL('../../../shared/data/baskets/retail.dat', import.meta.url)

function asMap (mined: FrequentItemsets): Map<string, number> {
  const out = new Map<string, number>()
  for (const table of mined.bySize) {
    for (let i = 0; i < table.length; i++) out.set(table.setAt(i).join(','), table.counts[i])
  }
  return out
}

t.test('itemset counts equal a brute-force count on random baskets', async t => {
  for (let seed = 1; seed <= 60; seed++) {
    const maxSize = 2 + (seed % 3)
    const minCount = 1 + (seed % 4)
    const lists = randomBaskets(seed, { baskets: 40 + seed * 7, items: 6 + (seed % 25), maxBasket: 3 + (seed % 9) })
    const mined = mineFrequentItemsets(basketsFromArrays(lists), { minCount, maxSize })
    const expected = bruteForceCounts(lists, maxSize, minCount)
    const got = asMap(mined)
    if (got.size !== expected.size || [...expected].some(([k, v]) => got.get(k) !== v)) {
      const missing = [...expected].filter(([k, v]) => got.get(k) !== v).slice(0, 5)
      const extra = [...got].filter(([k]) => !expected.has(k)).slice(0, 5)
      t.fail(`seed ${seed} (minCount ${minCount}, maxSize ${maxSize}): ${got.size} sets mined, ${expected.size} expected; wrong or missing ${JSON.stringify(missing)}, extra ${JSON.stringify(extra)}`)
      return
    }
  }
  t.pass('60 random basket sets match the brute-force counts')
})

t.test('item counts cover every item, frequent or not', async t => {
  const mined = mineFrequentItemsets(basketsFromArrays([[0, 1], [1, 2], [1], [5]]), { minCount: 2, maxSize: 2 })
  t.same(Array.from(mined.itemCounts), [1, 3, 1, 0, 0, 1])
  t.equal(mined.bySize[0].length, 0, 'no pair reaches 2 baskets')
})

t.test('options are validated', async t => {
  const b = basketsFromArrays([[0, 1]])
  t.throws(() => mineFrequentItemsets(b, { minCount: 0, maxSize: 2 }), /minCount/)
  t.throws(() => mineFrequentItemsets(b, { minCount: 2, maxSize: 5 }), /maxSize/)
})

t.test('basket lines parser', async t => {
  const b = parseBasketLines(new TextEncoder().encode('3 1 2 1\n\n7\r\n2 3'))
  t.same(Array.from(b.offsets), [0, 3, 4, 6])
  t.same(Array.from(b.items), [1, 2, 3, 7, 2, 3])
  t.equal(b.itemCount, 8)
  t.throws(() => parseBasketLines(new TextEncoder().encode('1 x 2')), /unexpected byte/)
})

t.test('named basket lines parser (one basket per line, item names, no header)', async t => {
  const text = '\uFEFFwhole milk,"rolls, buns",yogurt\r\n\r\nyogurt, whole milk ,yogurt,\n"say ""cheese""\n"\nwhole milk'
  const { baskets, names } = parseNamedBasketLines(new TextEncoder().encode(text))
  t.same(names, ['whole milk', 'rolls, buns', 'yogurt', 'say "cheese"'], 'BOM stripped, quotes unescaped, names trimmed, first spelling kept')
  t.same(Array.from(baskets.offsets), [0, 3, 5, 6, 7], 'the blank line holds no basket')
  t.same(Array.from(baskets.items), [0, 1, 2, 0, 2, 3, 0], 'a repeated item counts once; a trailing comma adds nothing')
  t.equal(baskets.itemCount, 4)
  t.throws(() => parseNamedBasketLines(new TextEncoder().encode('\n ,\n')), { code: 'EMPTY_FILE', message: /one basket per line/ })
  t.throws(() => parseNamedBasketLines(new TextEncoder().encode('a,"b\n')), { code: 'MALFORMED_CSV' })
})

t.test('retail.dat matches the reference counts at min support 45', async t => {
  const baskets = await readBasketFile(RETAIL)
  t.equal(baskets.offsets.length - 1, 88162, 'basket count')
  const mined = mineFrequentItemsets(baskets, { minCount: 45, maxSize: 3 })
  let frequentItems = 0
  for (const c of mined.itemCounts) if (c >= 45) frequentItems++
  t.equal(frequentItems, 3926, 'size 1')
  t.equal(mined.bySize[0].length, 8198, 'size 2')
  t.equal(mined.bySize[1].length, 5411, 'size 3')
})
