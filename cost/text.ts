/** Text helpers of the cost model's output: money, counts, and lines no wider than a terminal. */

/** The widest line the text output has. */
export const LINE_WIDTH = 100;

const usdFormat = new Intl.NumberFormat("en-US", {
  minimumFractionDigits: 2,
  maximumFractionDigits: 2,
});
const countFormat = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });

/** Dollars with thousands separators and cents, e.g. "1,234.56". */
export function formatUsd(value: number): string {
  return usdFormat.format(value);
}

/** Whole dollars with thousands separators, e.g. "1,235". */
export function formatWholeUsd(value: number): string {
  return countFormat.format(value);
}

/** A count with thousands separators, e.g. "142,401" from 142,401.46. */
export function formatCount(value: number): string {
  return countFormat.format(value);
}

/** Millions with one decimal below 10 M, whole above: "2.5 M", "142 M". */
export function formatMillions(value: number): string {
  const m = value / 1e6;
  return `${value < 10e6 ? m.toFixed(1) : formatCount(m)} M`;
}

/** `text` broken into lines of at most `width` characters, every line after `indent`. */
export function wrap(
  text: string,
  indent = "",
  width = LINE_WIDTH,
  firstIndent = indent,
): string[] {
  const lines: string[] = [];
  let line = firstIndent;
  let empty = true;
  for (const word of text.split(" ")) {
    if (!empty && line.length + 1 + word.length > width) {
      lines.push(line);
      line = indent;
      empty = true;
    }
    line += empty ? word : ` ${word}`;
    empty = false;
  }
  lines.push(line);
  return lines;
}

/** `count word`, with an "s" unless the count is 1: "1 tab", "1.2 tabs". */
export function plural(count: number, word: string): string {
  return `${count.toLocaleString("en-US")} ${word}${count === 1 ? "" : "s"}`;
}
