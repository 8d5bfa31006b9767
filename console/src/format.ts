import { HOUR_MS } from "@viewer-presence/shared/windows";

const integer = new Intl.NumberFormat("en", { maximumFractionDigits: 0 });
const oneDecimal = new Intl.NumberFormat("en", { maximumFractionDigits: 1 });
const dollars = new Intl.NumberFormat("en", {
  style: "currency",
  currency: "USD",
  maximumFractionDigits: 2,
});

/** 12,345 */
export const formatCount = (value: number): string => integer.format(value);

/** 12.3 */
export const formatDecimal = (value: number): string => oneDecimal.format(value);

/** $1,234.56 */
export const formatDollars = (value: number): string => dollars.format(value);

/** Seconds watched as hours (or minutes below an hour): "12.3 h", "45 min". */
export function formatWatchTime(seconds: number): string {
  const hourSec = HOUR_MS / 1000;
  if (seconds < hourSec) return `${integer.format(seconds / 60)} min`;
  return `${oneDecimal.format(seconds / hourSec)} h`;
}

/** A moment in the viewer's local time: "Nov 30, 14:05". */
export function formatMoment(iso: string | number): string {
  return new Date(iso).toLocaleString("en", {
    month: "short",
    day: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  });
}

/** Time of day only: "14:05:30". */
export function formatClock(iso: string | number): string {
  return new Date(iso).toLocaleTimeString("en", { hourCycle: "h23" });
}

const plurals = new Intl.PluralRules("en");

/**
 * The noun that agrees with a count, by the language's plural rules: `one` for 1 (and only
 * 1: "1.5 viewers", "0 viewers"), `other` otherwise.
 */
export const agreeing = (value: number, one: string, other: string): string =>
  plurals.select(value) === "one" ? one : other;

/** A count and its noun: "1 viewer", "12,345 viewers". `format` formats the number. */
export const formatQuantity = (
  value: number,
  one: string,
  other: string,
  format: (value: number) => string = formatCount,
): string => `${format(value)} ${agreeing(value, one, other)}`;
