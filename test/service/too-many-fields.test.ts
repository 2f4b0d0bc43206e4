// A form with one file and too many other fields is told that, not "send exactly one file".
import t from 'tap'
import { startTestApp } from '../helpers/app.js'
import { multipartBody, multipartHeaders, TINY_CATALOG } from '../helpers/http.js'

t.test('too many fields beside the one file: the 400 says so', async (t) => {
  const { app } = await startTestApp(t, {}, { workers: false })
  const fields = Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`note${i}`, 'x']))
  const res = await app.inject({
    method: 'POST',
    url: '/api/bundles/quick-install',
    payload: multipartBody([{ filename: 'catalog.csv', content: TINY_CATALOG }], fields),
    headers: { ...multipartHeaders, 'x-shop-domain': 'fields.myshopify.com' }
  })
  t.equal(res.statusCode, 400)
  t.same(res.json(), { detail: 'Invalid file: the form has too many fields (at most 10 text fields, 12 parts in all). Send one CSV file in the multipart field "file", with few or no other fields.' })
  const two = await app.inject({
    method: 'POST',
    url: '/api/bundles/quick-install',
    payload: multipartBody([{ filename: 'a.csv', content: TINY_CATALOG }, { filename: 'b.csv', content: TINY_CATALOG }, { filename: 'c.csv', content: TINY_CATALOG }]),
    headers: { ...multipartHeaders, 'x-shop-domain': 'files.myshopify.com' }
  })
  t.same([two.statusCode, two.json()], [400, { detail: 'Invalid file: send exactly one CSV file, in the multipart field "file"' }], 'three files: still "exactly one file"')
})
