import { type DocumentNode, visit } from 'graphql';

/**
 * Control characters other than tab, line feed and carriage return. A NUL cut a SQLite LIKE pattern short
 * (a search for "\u0000zzz" matched every error and a bulk action acted on all of them); the others have
 * no business in an id, a name, a search or a filter either.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is this module's job.
const FORBIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;

/**
 * Where the operation carries a forbidden control character — a string literal in the document or any
 * string inside the variables — as a path for the error message (`$filter.search`, `"…" at line 2`), or
 * null when it carries none.
 */
export function findControlCharacter(
  document: DocumentNode,
  variables: Readonly<Record<string, unknown>> | null | undefined,
): string | null {
  let found: string | null = null;
  visit(document, {
    StringValue(node) {
      if (found == null && FORBIDDEN.test(node.value)) {
        found = node.loc ? `a string at line ${node.loc.startToken.line}` : 'a string literal';
      }
    },
  });
  return found ?? inValue(variables ?? {}, '$');
}

function inValue(value: unknown, path: string): string | null {
  if (typeof value === 'string') return FORBIDDEN.test(value) ? path : null;
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) {
      const hit = inValue(item, `${path}[${index}]`);
      if (hit) return hit;
    }
    return null;
  }
  if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      if (FORBIDDEN.test(key)) return `${path} (a key name)`;
      const hit = inValue(item, path === '$' ? `$${key}` : `${path}.${key}`);
      if (hit) return hit;
    }
  }
  return null;
}
