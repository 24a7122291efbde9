/**
 * The UTC day of a time, as toISOString().slice(0, 10) writes it (2026-12-06), worked out from the
 * time's number: the first toISOString() of a process sets up V8's date cache and its time zone
 * (about a millisecond, which an audit would pay for one date). A date outside the years 0-9999,
 * or no date at all, is left to toISOString (which throws for the latter).
 */
export function utcDay(date: Date): string {
  const ms = date.getTime();
  // the civil date of a day count (days since 1970-01-01), by 400-year eras of 146,097 days
  const z = Math.floor(ms / 86_400_000) + 719_468;
  const era = Math.floor(z / 146_097);
  const dayOfEra = z - era * 146_097;
  const yearOfEra = Math.floor(
    (dayOfEra -
      Math.floor(dayOfEra / 1460) +
      Math.floor(dayOfEra / 36_524) -
      Math.floor(dayOfEra / 146_096)) /
      365,
  );
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const m = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * m + 2) / 5) + 1;
  const month = m < 10 ? m + 3 : m - 9;
  const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
  if (!(year >= 0 && year <= 9999)) return date.toISOString().slice(0, 10);
  return `${String(year).padStart(4, '0')}-${month < 10 ? '0' : ''}${month}-${day < 10 ? '0' : ''}${day}`;
}
