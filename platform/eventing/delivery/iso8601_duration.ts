const MS_PER_SECOND = 1000;
const MS_PER_MINUTE = 60 * MS_PER_SECOND;
const MS_PER_HOUR = 60 * MS_PER_MINUTE;
const MS_PER_DAY = 24 * MS_PER_HOUR;
// Calendar units have no fixed length; the Gregorian averages are used (365.2425 days a year).
const MS_PER_YEAR = 365.2425 * MS_PER_DAY;
const MS_PER_MONTH = MS_PER_YEAR / 12;
const MS_PER_WEEK = 7 * MS_PER_DAY;

const NUMBER = String.raw`(\d+(?:[.,]\d+)?)`;
const DURATION = new RegExp(
  String.raw`^([+-])?P(?:${NUMBER}Y)?(?:${NUMBER}M)?(?:${NUMBER}W)?(?:${NUMBER}D)?` +
    String.raw`(?:(T)(?:${NUMBER}H)?(?:${NUMBER}M)?(?:${NUMBER}S)?)?$`,
);
const UNIT_MS = [
  MS_PER_YEAR,
  MS_PER_MONTH,
  MS_PER_WEEK,
  MS_PER_DAY,
  MS_PER_HOUR,
  MS_PER_MINUTE,
  MS_PER_SECOND,
];

/**
 * Parses an ISO 8601 duration such as `PT0.2S`, `PT1M30S`, `P1DT2H` or `-PT5S` into milliseconds (rounded
 * to a whole millisecond). Only the last component may have a fraction. Throws `SyntaxError`.
 */
export function parseIsoDuration(text: string): number {
  const match = DURATION.exec(text.trim());
  if (!match) throw new SyntaxError(`"${text}" is not an ISO 8601 duration such as PT0.2S`);
  const [, sign, years, months, weeks, days, timeMarker, hours, minutes, seconds] = match;
  const components = [years, months, weeks, days, hours, minutes, seconds];
  const present = components.map((value, index) => ({ value, index })).filter((c) => c.value !== undefined);
  if (present.length === 0) throw new SyntaxError(`"${text}" has no duration components`);
  if (timeMarker && [hours, minutes, seconds].every((c) => c === undefined)) {
    throw new SyntaxError(`"${text}" has a T without hours, minutes or seconds`);
  }
  const fractional = present.findIndex((c) => /[.,]/.test(c.value!));
  if (fractional >= 0 && fractional !== present.length - 1) {
    throw new SyntaxError(`"${text}" has a fraction on a component other than the last`);
  }
  let total = 0;
  for (const { value, index } of present) total += Number(value!.replace(",", ".")) * UNIT_MS[index];
  const ms = Math.round(total);
  return sign === "-" ? -ms : ms;
}
