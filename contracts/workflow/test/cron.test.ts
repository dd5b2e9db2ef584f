import { describe, expect, test } from 'bun:test'
import { CronSchedule } from '../local/cron'

describe('CronSchedule', () => {
  test('every 5 minutes fires at the next multiple of 5 minutes, second 0', () => {
    const s = new CronSchedule('0 */5 * * * *')
    expect(s.next(new Date('2026-01-01T10:02:30Z')).toISOString()).toBe('2026-01-01T10:05:00.000Z')
    expect(s.next(new Date('2026-01-01T10:05:00Z')).toISOString()).toBe('2026-01-01T10:10:00.000Z')
  })

  test('lists, ranges and day of week', () => {
    const s = new CronSchedule('15,45 0 8-9 * * 1')
    expect(s.next(new Date('2026-01-01T00:00:00Z')).toISOString()).toBe('2026-01-05T08:00:15.000Z')
  })

  test('rejects malformed expressions', () => {
    expect(() => new CronSchedule('*/5 * * * *')).toThrow('must have 6 fields')
    expect(() => new CronSchedule('61 * * * * *')).toThrow('not valid')
    expect(() => new CronSchedule('*/0 * * * * *')).toThrow('not valid')
  })
})
