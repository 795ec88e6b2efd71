/**
 * The JavaScript a first visit loads before any route's code: the entry `<script type="module" src>` and
 * the `<link rel="modulepreload" href>` vite writes for the entry's static imports. Route pages are
 * lazy chunks (`import()` in router.ts) and are not in index.html, so they are not counted. Paths are as
 * written in the HTML (`/assets/…`).
 */
export function initialScripts(indexHtml: string): string[] {
  const scripts: string[] = [];
  for (const tag of indexHtml.match(/<(script|link)\b[^>]*>/g) ?? []) {
    const attrs = attributes(tag);
    const isEntry = tag.startsWith('<script') && attrs.type === 'module' && attrs.src;
    const isPreload = tag.startsWith('<link') && attrs.rel === 'modulepreload' && attrs.href;
    if (isEntry) scripts.push(attrs.src!);
    else if (isPreload) scripts.push(attrs.href!);
  }
  return [...new Set(scripts)];
}

/** The stylesheets index.html links (reported alongside, not counted in the JavaScript budget). */
export function initialStylesheets(indexHtml: string): string[] {
  return (indexHtml.match(/<link\b[^>]*>/g) ?? [])
    .map(attributes)
    .filter((attrs) => attrs.rel === 'stylesheet' && attrs.href)
    .map((attrs) => attrs.href!);
}

function attributes(tag: string): Record<string, string | undefined> {
  const attrs: Record<string, string> = {};
  for (const [, name, value] of tag.matchAll(/([\w-]+)\s*=\s*"([^"]*)"/g)) attrs[name!.toLowerCase()] = value!;
  return attrs;
}

interface ManifestChunk {
  file: string;
  imports?: string[];
}

/**
 * The JavaScript files a lazily loaded module brings with it, from vite's build manifest: its own chunk
 * and every chunk it imports statically, as `/`-rooted paths like index.html's.
 */
export function chunkClosure(manifest: Record<string, ManifestChunk>, sources: string[]): string[] {
  const files = new Set<string>();
  const visit = (key: string) => {
    const chunk = manifest[key];
    if (!chunk) throw new Error(`${key} is not in the build manifest`);
    if (files.has(`/${chunk.file}`)) return;
    files.add(`/${chunk.file}`);
    for (const imported of chunk.imports ?? []) visit(imported);
  };
  for (const source of sources) visit(source);
  return [...files];
}
