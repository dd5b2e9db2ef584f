/**
 * Six-field cron schedules as CRE's cron trigger takes them: "sec min hour day-of-month month day-of-week" (UTC).
 * Each field: *, N, A-B, A-B/S, * /S (without the space) and comma lists. Used by the local runner only.
 */
const RANGES: [number, number][] = [
  [0, 59],
  [0, 59],
  [0, 23],
  [1, 31],
  [1, 12],
  [0, 6],
]

function parseField(field: string, [min, max]: [number, number]): Set<number> {
  const values = new Set<number>()
  for (const part of field.split(',')) {
    const [range, stepText] = part.split('/')
    const step = stepText === undefined ? 1 : Number(stepText)
    let [from, to] = [min, max]
    if (range !== '*') {
      const bounds = range.split('-').map(Number)
      from = bounds[0]
      to = bounds.length > 1 ? bounds[1] : stepText === undefined ? from : max
    }
    if (![from, to, step].every(Number.isInteger) || step < 1 || from < min || to > max || from > to) {
      throw new Error(`cron field "${field}" is not valid for ${min}-${max}`)
    }
    for (let v = from; v <= to; v += step) values.add(v)
  }
  return values
}

/** A parsed schedule. @throws Error for anything but six valid fields. */
export class CronSchedule {
  private readonly fields: Set<number>[]

  constructor(readonly expression: string) {
    const parts = expression.trim().split(/\s+/)
    if (parts.length !== 6) throw new Error(`cron "${expression}" must have 6 fields (seconds first)`)
    this.fields = parts.map((p, i) => parseField(p, RANGES[i]))
  }

  matches(date: Date): boolean {
    const values = [
      date.getUTCSeconds(),
      date.getUTCMinutes(),
      date.getUTCHours(),
      date.getUTCDate(),
      date.getUTCMonth() + 1,
      date.getUTCDay(),
    ]
    return values.every((v, i) => this.fields[i].has(v))
  }

  /** The first matching whole second strictly after `after` (searched up to 366 days ahead). */
  next(after: Date): Date {
    let t = Math.floor(after.getTime() / 1000) + 1
    const limit = t + 366 * 24 * 3600
    for (; t < limit; t++) {
      const d = new Date(t * 1000)
      if (this.matches(d)) return d
    }
    throw new Error(`cron "${this.expression}" never fires`)
  }
}
