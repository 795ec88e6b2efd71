// Where the signed-in API key is kept. Apart from useSession.ts (which builds the urql client), so that
// the errors page's first paint (src/first-paint) reads the same key without bundling the client.

// sessionStorage: the key survives a reload but not the closing of the tab, and is never shared across tabs.
export const SESSION_STORAGE_KEY = 'tandem.apiKey';

export function readStoredKey(): string | null {
  try {
    return sessionStorage.getItem(SESSION_STORAGE_KEY);
  } catch {
    return null;
  }
}
