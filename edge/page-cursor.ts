import { problems } from "./problems";

/**
 * Page cursors carry the last sort key read, base64url-encoded; they are checked against
 * the shape the listing's keys have, so a forged cursor is a 400, not a DynamoDB error.
 */
export function encodeSortKeyCursor(sk: string): string {
  return btoa(sk).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

export function decodeSortKeyCursor(cursor: string, shape: RegExp): string {
  let sk = "";
  try {
    sk = atob(cursor.replace(/-/g, "+").replace(/_/g, "/"));
  } catch {
    // falls through to the shape check
  }
  if (!shape.test(sk)) {
    throw problems.validation([
      { path: "query.cursor", message: "Not a cursor this API returned" },
    ]);
  }
  return sk;
}
