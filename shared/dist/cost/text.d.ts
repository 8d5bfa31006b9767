/** Text helpers of the cost model's output: money, counts, and lines no wider than a terminal. */
/** The widest line the text output has. */
export declare const LINE_WIDTH = 100;
/** Dollars with thousands separators and cents, e.g. "1,234.56". */
export declare function formatUsd(value: number): string;
/** Whole dollars with thousands separators, e.g. "1,235". */
export declare function formatWholeUsd(value: number): string;
/** A count with thousands separators, e.g. "142,401" from 142,401.46. */
export declare function formatCount(value: number): string;
/** `text` broken into lines of at most `width` characters, every line after `indent`. */
export declare function wrap(text: string, indent?: string, width?: number, firstIndent?: string): string[];
/** `count word`, with an "s" unless the count is 1: "1 tab", "1.2 tabs". */
export declare function plural(count: number, word: string): string;
