import t from 'tap'
import { isEngineInputError, runEngine } from '../../src/engine/index.js'

async function * bytes (text: string): AsyncGenerator<Uint8Array> {
  yield Buffer.from(text)
}

async function failure (text: string): Promise<{ code: string, message: string, details: Record<string, unknown> }> {
  try {
    await runEngine(bytes(text))
    return { code: 'no error', message: '', details: {} }
  } catch (err) {
    if (!isEngineInputError(err)) throw err
    return { code: err.code, message: err.message, details: err.details }
  }
}

t.test('NO_BUNDLES after unreadable rows says how many were skipped and why', async t => {
  // Every order's second line has an unreadable price, so no order keeps two products.
  const lines = ['order_id,product_id,quantity,price']
  for (let o = 1; o <= 30; o++) lines.push(`${o},A,1,12.00`, `${o},B,1,twelve`)
  for (let o = 31; o <= 40; o++) lines.push(`${o},C,1,4.50`)
  lines.push('41,D,x,4.50')
  const r = await failure(lines.join('\n') + '\n')
  t.equal(r.code, 'NO_BUNDLES')
  t.match(r.message, /No order had two or more products/, 'still says why nothing was found')
  t.match(r.message, /31 of 71 data rows were skipped as unreadable \(bad price: 30, bad quantity: 1\)/, 'counts and main reasons, largest first')
  t.same(r.details.rows_skipped, { bad_price: 30, bad_quantity: 1 })
})

t.test('NO_BUNDLES without skipped rows does not mention them', async t => {
  const r = await failure('order_id,product_id,quantity\n1,A,1\n2,B,1\n3,C,1\n')
  t.equal(r.code, 'NO_BUNDLES')
  t.notMatch(r.message, /skipped/)
  t.equal(r.details.rows_skipped, undefined)
})

t.test('a catalog with no usable products and skipped rows says how many were skipped', async t => {
  const r = await failure('product_id,name,price,status\n1,Mug,abc,active\n2,Tea,4.00,draft\n3,Cup,5.00,archived\n')
  t.equal(r.code, 'NO_BUNDLES')
  t.match(r.message, /no active products/)
  t.match(r.message, /1 of 3 data rows were skipped as unreadable \(bad price: 1\)/)
})
