/**
 * What a spreadsheet reads as the start of a formula (OWASP, "CSV Injection"): `=`, `+`, `-`,
 * `@`, a tab or a carriage return. Viewer and stage ids may begin with `-` or `@`.
 */
const FORMULA_STARTERS = new Set(["=", "+", "-", "@", "\t", "\r"]);

/**
 * One CSV cell (RFC 4180) that a spreadsheet shows as text: a value beginning with a formula
 * starter gets a single quote in front and is quoted, as OWASP advises; a value holding a
 * comma, a double quote or a line break is quoted, its double quotes doubled; any other value
 * is written as it is.
 */
export function csvCell(value: string | number): string {
  const text = String(value);
  const formula = FORMULA_STARTERS.has(text.charAt(0));
  const cell = formula ? `'${text}` : text;
  return formula || /[",\r\n]/.test(cell) ? `"${cell.replaceAll('"', '""')}"` : cell;
}

/** One CSV line: the cells joined by commas, ended by a newline. */
export function csvRow(values: readonly (string | number)[]): string {
  return `${values.map(csvCell).join(",")}\n`;
}
