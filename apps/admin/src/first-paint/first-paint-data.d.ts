/**
 * What the first paint's build (build/first-paint.ts) computes in Node and hands to the browser script:
 * the app's own query texts, printed as its urql client prints them, and the few messages the first paint
 * shows, in each language, by their keys in the message files.
 */
declare module 'virtual:first-paint-data' {
  export const QUERIES: { viewer: string; syncErrors: string };
  export const MESSAGES: Record<'en' | 'sv', Record<string, string>>;
}
