import { formatDocument, stringifyDocument } from '@urql/core';
import { FIRST_PAINT_MESSAGE_KEYS } from '../src/first-paint/first-paint-messages';
import { SyncErrorsQuery } from '../src/graphql/sync-errors';
import { ViewerQuery } from '../src/graphql/viewer';
import en from '../src/i18n/en';
import sv from '../src/i18n/sv';

// Loaded by build/first-paint.ts through vite's module runner (it reads the app's sources): what the first
// paint's script gets as `virtual:first-paint-data` (src/first-paint/first-paint-data.d.ts).

/** A query's text exactly as the app's urql client sends it (its cache exchange adds `__typename`s). */
function sentText(document: Parameters<typeof formatDocument>[0]): string {
  return stringifyDocument(formatDocument(document));
}

/** The first paint's messages of one language, flat by key; a missing or non-plain one fails the build. */
function pick(messages: object, language: string): Record<string, string> {
  const picked: Record<string, string> = {};
  for (const key of FIRST_PAINT_MESSAGE_KEYS) {
    const value = key.split('.').reduce<unknown>((node, part) => (node as Record<string, unknown>)?.[part], messages);
    // Shown as they are, without vue-i18n: a placeholder, plural or link would show its syntax.
    if (typeof value !== 'string' || /[{}|@]/.test(value)) {
      throw new Error(`first-paint: message ${key} in ${language} is missing or not plain text`);
    }
    picked[key] = value;
  }
  return picked;
}

/** The source of `virtual:first-paint-data`. */
export function firstPaintDataModule(): string {
  const queries = { viewer: sentText(ViewerQuery), syncErrors: sentText(SyncErrorsQuery) };
  const messages = { en: pick(en, 'en'), sv: pick(sv, 'sv') };
  return `export const QUERIES = ${JSON.stringify(queries)};\nexport const MESSAGES = ${JSON.stringify(messages)};\n`;
}
