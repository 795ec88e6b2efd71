import { shallowRef } from 'vue';
import { type ApiClient, createApiClient } from '../graphql/client';
import { readStoredKey, SESSION_STORAGE_KEY } from './session-key';

const apiKey = shallowRef<string | null>(readStoredKey());
/**
 * Why the user was last signed out, when it was not their own doing: the API stopped accepting the key
 * (revoked, or past its expiry). The login page says so instead of silently asking for a key again.
 */
const signedOutReason = shallowRef<'rejected' | null>(null);
let current: ApiClient = createApiClient(apiKey.value ?? '', keyRejected);
/** The urql client of the signed-in key; replaced on sign-in and sign-out so no old key lingers in it. */
const apiClient = shallowRef(current.client);

function replaceClient(key: string | null): void {
  current.dispose();
  current = createApiClient(key ?? '', keyRejected);
  apiClient.value = current.client;
}

function signIn(key: string): void {
  signedOutReason.value = null;
  sessionStorage.setItem(SESSION_STORAGE_KEY, key);
  apiKey.value = key;
  replaceClient(key);
}

function signOut(): void {
  if (apiKey.value === null) return;
  sessionStorage.removeItem(SESSION_STORAGE_KEY);
  apiKey.value = null;
  replaceClient(null);
}

/** The API answered 401 to the signed-in key: signed out, with the reason kept for the login page. */
function keyRejected(): void {
  if (apiKey.value === null) return;
  signedOutReason.value = 'rejected';
  signOut();
}

export function useSession() {
  return { apiKey, apiClient, signIn, signOut, signedOutReason };
}
