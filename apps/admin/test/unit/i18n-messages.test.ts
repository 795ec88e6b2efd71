import { describe, expect, it } from 'vitest';
import en from '../../src/i18n/en';
import sv from '../../src/i18n/sv';

/** Every key path of a message tree ("errors.table.kind"), with its message. */
function messages(tree: object, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(tree)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (typeof value === 'string') out.set(path, value);
    else for (const [inner, text] of messages(value as object, path)) out.set(inner, text);
  }
  return out;
}

/** The placeholders a message uses ("{count}", "{n}"). */
const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((match) => match[1]).sort();

describe('the message files', () => {
  const english = messages(en);
  const swedish = messages(sv);

  it('have the same keys: no string is left untranslated, none is left over', () => {
    expect([...swedish.keys()].sort()).toEqual([...english.keys()].sort());
    expect(english.size).toBeGreaterThan(100);
  });

  it('fill the same placeholders and the same number of plural forms', () => {
    for (const [key, text] of english) {
      const other = swedish.get(key) ?? '';
      expect({ key, placeholders: [...new Set(placeholders(other))] }).toEqual({
        key,
        placeholders: [...new Set(placeholders(text))],
      });
      expect({ key, forms: other.split(' | ').length }).toEqual({ key, forms: text.split(' | ').length });
    }
  });

  it("uses Business Central's Swedish terms", () => {
    expect(sv.errors.title).toBe('Kopplade datasynkroniseringsfel');
    expect(sv.actions.REMOVE_COUPLING).toBe('Ta bort koppling');
    expect(sv.actions.RETRY).toBe('Försök igen');
    expect(sv.actions.RETRY_ALL).toBe('Försök alla igen');
    expect(sv.actions.SYNCHRONIZE).toBe('Synkronisera');
    expect(sv.actions.RESTORE_RECORDS).toBe('Återställa poster');
    expect(sv.actions.DELETE_RECORDS).toBe('Ta bort poster');
    expect(sv.shell.titles.recordLog).toBe('Synkroniseringslogg');
  });

  it('contain no unescaped vue-i18n special characters (@, $ or a lone brace)', () => {
    for (const [key, text] of [...english, ...swedish]) {
      const stripped = text.replace(/\{\w+\}/g, '');
      expect({ key, bad: /[@{}$]/.test(stripped) }).toEqual({ key, bad: false });
    }
  });
});
