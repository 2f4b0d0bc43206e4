import t from 'tap'
import { currencyMinorDigits } from '../../src/engine/currency-digits.js'
import { moneyUnit } from '../../src/engine/bundles/money.js'
import { hasNoMinorUnit } from '../../src/engine/ingest/dot-thousands.js'

t.test('one minor-unit lookup answers ingest and pricing alike', async t => {
  t.same(['JPY', 'USD', 'KWD', 'IDR'].map(currencyMinorDigits), [0, 2, 3, 0], 'Intl minor digits per code')
  t.equal(currencyMinorDigits('XYZ1'), null, 'a malformed code has no minor unit')
  for (const c of ['JPY', 'USD', 'KWD', 'IDR', 'CLP', 'EUR']) {
    t.equal(hasNoMinorUnit(c), moneyUnit(c).digits === 0, `${c}: dot-thousands and pricing agree`)
  }
})
