// Typed element lookups and small DOM helpers. Text is always set with textContent, never as HTML.

export function byId<T extends HTMLElement = HTMLElement> (id: string): T {
  const el = document.getElementById(id)
  if (el === null) throw new Error(`page is missing #${id}`)
  return el as T
}

export function show (el: HTMLElement, visible: boolean): void {
  el.hidden = !visible
}

export function make<K extends keyof HTMLElementTagNameMap> (
  tag: K, text?: string, className?: string
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag)
  if (text !== undefined) el.textContent = text
  if (className !== undefined) el.className = className
  return el
}

/**
 * Moves the keyboard to a section's heading (tabindex="-1" in the page), so a screen reader reads
 * the new state and Tab continues from there instead of from the top of the page.
 */
export function focusHeading (section: HTMLElement): void {
  section.querySelector<HTMLElement>('h2')?.focus()
}
