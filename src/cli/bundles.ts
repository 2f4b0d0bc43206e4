// npm run bundles -- <file> [--json] [--max-size 3] [--min-count N] [--max-bundles N]
// Runs the bundle engine on an order or product export (.csv, or .csv.gz) and prints the ranked
// bundles as a table, or as JSON with --json. Bad input: a clear message on stderr, exit code 2.
import { createReadStream } from 'node:fs'
import { open } from 'node:fs/promises'
import { createGunzip } from 'node:zlib'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { isEngineInputError, runEngine } from '../engine/index.js'
import type { Bundle, EngineOptions, EngineResult } from '../engine/types.js'
import { formatMoney, moneyUnit, priceToMinor } from '../engine/bundles/money.js'
import { wholePercent } from '../engine/bundles/describe.js'

const USAGE = 'usage: npm run bundles -- <orders-or-products.csv[.gz]> [--json] [--max-size 2..4] [--min-count N] [--max-bundles N]'

export class UsageError extends Error {}

/** The file's bytes, gunzipped when it starts with the gzip magic bytes (whatever its name). */
export async function openInput (path: string): Promise<AsyncIterable<Uint8Array>> {
  const handle = await open(path, 'r').catch((err: NodeJS.ErrnoException) => {
    throw new UsageError(err.code === 'ENOENT' ? `no such file: ${path}` : `cannot read ${path}: ${err.message}`)
  })
  const head = Buffer.alloc(2)
  const { bytesRead } = await handle.read(head, 0, 2, 0)
  await handle.close()
  const raw = createReadStream(path, { highWaterMark: 1 << 20 })
  return bytesRead === 2 && head[0] === 0x1f && head[1] === 0x8b ? raw.pipe(createGunzip()) : raw
}

export function positiveInt (name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined
  if (!/^\d+$/.test(value) || Number(value) < 1) throw new UsageError(`--${name} must be a positive whole number, got "${value}"`)
  return Number(value)
}

function parse (argv: string[]): { file: string, json: boolean, options: EngineOptions } {
  let parsed
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        json: { type: 'boolean', default: false },
        'max-size': { type: 'string' },
        'min-count': { type: 'string' },
        'max-bundles': { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false }
      }
    })
  } catch (err) {
    throw new UsageError((err as Error).message)
  }
  if (parsed.values.help) throw new UsageError('')
  if (parsed.positionals.length !== 1) throw new UsageError(parsed.positionals.length === 0 ? 'which file? give one orders or products export' : 'give exactly one file')
  const maxSize = positiveInt('max-size', parsed.values['max-size'])
  if (maxSize !== undefined && (maxSize < 2 || maxSize > 4)) throw new UsageError(`--max-size must be 2, 3 or 4, got ${maxSize}`)
  const options: EngineOptions = {}
  if (maxSize !== undefined) options.maxSize = maxSize
  const minCount = positiveInt('min-count', parsed.values['min-count'])
  if (minCount !== undefined) options.minCount = minCount
  const maxBundles = positiveInt('max-bundles', parsed.values['max-bundles'])
  if (maxBundles !== undefined) options.maxBundles = maxBundles
  return { file: parsed.positionals[0], json: parsed.values.json === true, options }
}

export function toJson (result: EngineResult): unknown {
  return {
    summary: result.summary,
    bundles: result.bundles.map(b => ({
      rank: b.rank,
      type: b.type,
      items: b.items.map(i => ({ key: i.key, title: i.title, skus: i.skus, price: i.price, quantity: i.quantity })),
      stats: b.stats && { count: b.stats.count, support: b.stats.support, confidence: b.stats.confidence, lift: b.stats.lift, leverage: b.stats.leverage },
      pricing: b.pricing,
      score: b.score,
      source: b.source,
      reason: b.reason
    }))
  }
}

export function toTable (result: EngineResult): string {
  const s = result.summary
  // Skipped rows and the summary's notes are often why a run looks thin: the table must not hide
  // what --json shows.
  const lines = [
    `${s.format} (${s.kind}): ${s.rows_read} rows, ${s.orders_used} orders used of ${s.orders_read}, ${s.multi_product_orders} with 2+ products, ${s.products} products`,
    `dropped: ${countsText(s.lines_dropped)}; skipped: ${countsText(s.rows_skipped)}; min count ${s.options.minCount}, max size ${s.options.maxSize}`,
    `bundles: ${s.bundles.FBT} FBT, ${s.bundles.VOLUME} VOLUME; ms ${Object.entries(s.ms).map(([k, v]) => `${k} ${v}`).join(', ')}`,
    ...(s.warnings ?? []).map(w => `note: ${w}`),
    ''
  ]
  const rows = result.bundles.map(b => [
    String(b.rank), b.type, b.source, itemsText(b), b.stats ? String(b.stats.count) : '-',
    b.stats?.lift != null ? b.stats.lift.toFixed(2) : '-', b.stats ? b.stats.confidence.map(wholePercent).join('/') : '-',
    b.score.toFixed(2), priceText(b)
  ])
  const header = ['#', 'type', 'source', 'items', 'orders', 'lift', 'confidence', 'score', 'price']
  const widths = header.map((h, i) => Math.min(i === 3 ? 70 : 40, Math.max(h.length, ...rows.map(r => r[i].length))))
  const fmt = (r: string[]): string => r.map((c, i) => (c.length > widths[i] ? c.slice(0, widths[i] - 1) + '…' : c).padEnd(widths[i])).join('  ').trimEnd()
  lines.push(fmt(header), fmt(widths.map(w => '-'.repeat(w))), ...rows.map(fmt))
  return lines.join('\n')
}

/** "duplicate_line 34, refunded 2" (reasons with a count), or "nothing". */
function countsText (counts: Record<string, number | undefined>): string {
  return Object.entries(counts).filter(([, n]) => n !== undefined && n > 0).map(([k, n]) => `${k} ${n}`).join(', ') || 'nothing'
}

function itemsText (b: Bundle): string {
  return b.items.map(i => (i.quantity > 1 ? `${i.quantity}× ` : '') + i.title).join(' + ')
}

function priceText (b: Bundle): string {
  const p = b.pricing
  const cur = p.currency ? `${p.currency} ` : ''
  const money = (amount: number): string => amountText(amount, p.currency)
  if (p.tiers) return p.tiers.map(t => `${t.quantity}+: ${t.discount_percent}%${t.unit_price === null ? '' : ` (${cur}${money(t.unit_price)} ea)`}`).join(', ')
  if (p.list_price === null || p.bundle_price === null) return `${p.discount_percent}% off`
  return `${cur}${money(p.list_price)} → ${money(p.bundle_price)} (${p.discount_percent}% off)`
}

/**
 * An engine price in its currency's minor unit (KWD 28.279, JPY 14546, USD 19.99): the exact amount.
 * Two decimals would round KWD 28.279 up to 28.28, above the real price, and add cents yen lack.
 */
function amountText (amount: number, currency: string | null): string {
  const unit = moneyUnit(currency)
  return formatMoney(priceToMinor(amount, unit), unit)
}

async function main (): Promise<void> {
  try {
    const { file, json, options } = parse(process.argv.slice(2))
    const result = await runEngine(await openInput(file), options)
    process.stdout.write((json ? JSON.stringify(toJson(result), null, 2) : toTable(result)) + '\n')
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`${err.message ? `error: ${err.message}\n` : ''}${USAGE}\n`)
    } else if (isEngineInputError(err)) {
      process.stderr.write(`error (${err.code}): ${err.message}\n`)
    } else if ((err as { code?: string }).code === 'Z_DATA_ERROR') {
      process.stderr.write(`error: the file looks gzip-compressed but could not be decompressed: ${(err as Error).message}\n`)
    } else {
      throw err
    }
    process.exitCode = 2
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main()
