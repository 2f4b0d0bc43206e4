// Renders the bundles table and the run summary.
import type { Bundle, RunSummary } from './api-types.js'
import { bundleRows, type BundleRow } from './bundle-rows.js'
import { summaryRows } from './messages.js'
import { make } from './dom.js'

const LABELS = ['Rank', 'Products', 'Type', 'Orders together', 'Lift', 'Suggested discount', 'Bundle price']
// num: right-aligned figures; products and price may wrap (long titles, volume tiers).
const CLASSES = ['num', 'products', 'type', 'num', 'num', 'num', 'num price']

/** One cell: its value, an optional second line, labelled for the phone layout. */
function cell (index: number, value: string, note?: { text: string, className: string }): HTMLTableCellElement {
  const td = make('td', undefined, CLASSES[index])
  td.setAttribute('role', 'cell') // see renderBundles
  td.dataset.label = LABELS[index]
  // One wrapper, so the phone layout's grid has exactly two columns: the label and this.
  const body = make('div', value)
  if (note !== undefined) body.append(make('span', note.text, note.className))
  td.append(body)
  return td
}

function priceNote (row: BundleRow): { text: string, className: string } | undefined {
  if (row.listPrice !== null) return { text: `was ${row.listPrice}`, className: 'was' }
  if (row.unitPrice !== null) return { text: `was ${row.unitPrice} each`, className: 'was' }
  return undefined
}

/**
 * The rows carry explicit roles (row, cell; the table, row groups and column headers have theirs in
 * index.html): the phone layout changes the table's display, and Safari has been known to stop exposing
 * the rows and cells as a table's then.
 */
export function renderBundles (tbody: HTMLTableSectionElement, bundles: Bundle[]): void {
  tbody.replaceChildren(...bundleRows(bundles).map(row => {
    const tr = make('tr')
    tr.setAttribute('role', 'row')
    if (row.heuristic) tr.classList.add('heuristic')
    tr.append(
      cell(0, row.rank),
      cell(1, row.products, row.reason === '' ? undefined : { text: row.reason, className: 'reason' }),
      cell(2, row.type),
      cell(3, row.together),
      cell(4, row.lift),
      cell(5, row.discount),
      cell(6, row.price, priceNote(row))
    )
    return tr
  }))
}

export function renderSummary (dl: HTMLElement, summary: RunSummary | null | undefined): void {
  if (summary === null || summary === undefined) {
    dl.replaceChildren(make('dt', 'Summary'), make('dd', 'not reported by the service for this run'))
    return
  }
  dl.replaceChildren(...summaryRows(summary).flatMap(([label, value]) => {
    const dd = make('dd')
    if (typeof value === 'string') {
      dd.textContent = value
    } else {
      const list = make('ul', undefined, 'plain-list')
      list.append(...value.map(line => make('li', line)))
      dd.append(list)
    }
    return [make('dt', label), dd]
  }))
}
