// Renders the bundles table and the run summary.
import type { Bundle, RunSummary } from './api-types.js'
import { bundleRows } from './bundle-rows.js'
import { summaryRows } from './messages.js'
import { make } from './dom.js'

const LABELS = ['#', 'Products', 'Type', 'Orders together', 'Lift', 'Suggested discount', 'Bundle price']

export function renderBundles (tbody: HTMLTableSectionElement, bundles: Bundle[]): void {
  tbody.replaceChildren(...bundleRows(bundles).map(row => {
    const tr = make('tr')
    if (row.heuristic) tr.classList.add('heuristic')
    const cells: HTMLTableCellElement[] = [
      make('td', row.rank, 'num'),
      make('td', row.products),
      make('td', undefined, 'type'),
      make('td', row.together, 'num'),
      make('td', row.lift, 'num'),
      make('td', row.discount, 'num'),
      make('td', row.price, 'num')
    ]
    if (row.reason !== '') cells[1].append(make('span', row.reason, 'reason'))
    cells[2].append(row.type)
    if (row.listPrice !== null) cells[6].append(make('span', `was ${row.listPrice}`, 'was'))
    cells.forEach((td, i) => { td.dataset.label = LABELS[i] })
    tr.append(...cells)
    return tr
  }))
}

export function renderSummary (dl: HTMLElement, summary: RunSummary | null | undefined): void {
  if (summary === null || summary === undefined) {
    dl.replaceChildren(make('dt', 'Summary'), make('dd', 'not reported by the service for this run'))
    return
  }
  dl.replaceChildren(...summaryRows(summary).flatMap(([label, value]) => [make('dt', label), make('dd', value)]))
}
