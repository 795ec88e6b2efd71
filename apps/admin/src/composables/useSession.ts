import { shallowRef } from 'vue';
import { type ApiClient, createApiClient } from '../graphql/client';

// sessionStorage: the key survives a reload but not the closing of the tab, and is never shared across tabs.
const STORAGE_KEY = 'tandem.apiKey';

function readStoredKey(): string | null {
  try {
    return sessionStorage.getItem(STORAGE_KEY);
  } catch {
    return null;
  }
}

const apiKey = shallowRef<string | null>(readStoredKey());
let current: ApiClient = createApiClient(apiKey.value ?? '', signOut);
/** The urql client of the signed-in key; replaced on sign-in and sign-out so no old key lingers in it. */
const apiClient = shallowRef(current.client);

function replaceClient(key: string | null): void {
  current.dispose();
  current = createApiClient(key ?? '', signOut);
  apiClient.value = current.client;
}

function signIn(key: string): void {
  sessionStorage.setItem(STORAGE_KEY, key);
  apiKey.value = key;
  replaceClient(key);
}

function signOut(): void {
  if (apiKey.value === null) return;
  sessionStorage.removeItem(STORAGE_KEY);
  apiKey.value = null;
  replaceClient(null);
}

export function useSession() {
  return { apiKey, apiClient, signIn, signOut };
}
