/** Where the orval client sends its requests (its `baseUrl.runtime` calls presenceBaseUrl()). */
let current = "";

export function presenceBaseUrl(): string {
  return current;
}

export function usePresenceAt(baseUrl: string): void {
  current = baseUrl;
}
