import { STAGE_ID_PATTERN } from "../../shared/ids";
import { problems } from "../problems";

/** A page cursor is the last stage id of the previous page, base64url-encoded (opaque to clients). */
export function encodeCursor(lastId: string): string {
  return btoa(lastId).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

export function decodeCursor(cursor: string): string {
  let lastId: string;
  try {
    lastId = atob(cursor.replace(/-/g, "+").replace(/_/g, "/"));
  } catch {
    lastId = "";
  }
  if (!STAGE_ID_PATTERN.test(lastId)) {
    throw problems.validation([
      { path: "query.cursor", message: "Not a cursor this API returned" },
    ]);
  }
  return lastId;
}
