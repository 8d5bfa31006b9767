/**
 * The operator's key, kept in `sessionStorage`: for this tab only, gone when it closes, never
 * in `localStorage`, a cookie or the URL.
 */
const STORAGE_KEY = "viewer-presence.console.key";

export type Role = "admin" | "analytics";

export interface SessionKey {
  key: string;
  role: Role;
}

export function readSessionKey(storage: Storage): SessionKey | undefined {
  const raw = storage.getItem(STORAGE_KEY);
  if (raw === null) return undefined;
  try {
    const parsed = JSON.parse(raw) as Partial<SessionKey>;
    if (typeof parsed.key === "string" && (parsed.role === "admin" || parsed.role === "analytics"))
      return { key: parsed.key, role: parsed.role };
  } catch {
    // a value this console did not write: ignored, and replaced at the next sign-in
  }
  return undefined;
}

export function saveSessionKey(storage: Storage, value: SessionKey): void {
  storage.setItem(STORAGE_KEY, JSON.stringify(value));
}

export function clearSessionKey(storage: Storage): void {
  storage.removeItem(STORAGE_KEY);
}
