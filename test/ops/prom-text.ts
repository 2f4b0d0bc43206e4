// A small parser for the Prometheus text exposition format, enough to read back what /metrics says.

export interface Sample { name: string, labels: Record<string, string>, value: number }

export interface Exposition {
  samples: Sample[]
  types: Map<string, string>
  /** The value of the one sample matching name and labels (undefined when absent). */
  value: (name: string, labels?: Record<string, string>) => number | undefined
  /** Sum over every sample of `name` whose labels include `labels`. */
  sum: (name: string, labels?: Record<string, string>) => number
}

const LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+\d+)?$/
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g

export function parsePrometheusText (text: string): Exposition {
  const samples: Sample[] = []
  const types = new Map<string, string>()
  for (const line of text.split('\n')) {
    if (line.startsWith('# TYPE ')) {
      const [, , name, type] = line.split(' ')
      types.set(name, type)
      continue
    }
    if (line === '' || line.startsWith('#')) continue
    const m = LINE.exec(line)
    if (m === null) throw new Error(`unparseable exposition line: ${line}`)
    const labels: Record<string, string> = {}
    for (const l of (m[2] ?? '').matchAll(LABEL)) labels[l[1]] = l[2].replace(/\\(.)/g, '$1')
    const raw = m[3]
    const value = raw === '+Inf' ? Infinity : raw === '-Inf' ? -Infinity : Number(raw)
    if (Number.isNaN(value) && raw.toLowerCase() !== 'nan') throw new Error(`bad sample value in: ${line}`)
    samples.push({ name: m[1], labels, value })
  }
  const matches = (s: Sample, name: string, labels: Record<string, string>) =>
    s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v)
  return {
    samples,
    types,
    value: (name, labels = {}) => samples.find((s) => matches(s, name, labels) && Object.keys(s.labels).length === Object.keys(labels).length)?.value,
    sum: (name, labels = {}) => samples.filter((s) => matches(s, name, labels)).reduce((a, s) => a + s.value, 0)
  }
}
