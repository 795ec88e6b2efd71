/**
 * The JavaScript files a first visit loads before any route's code: the entry chunk and every chunk it
 * imports statically, from vite's build manifest. index.html does not name them as tags any more (its
 * loader script adds them, build/route-preload.ts). Route pages are lazy chunks (`import()` in router.ts)
 * and are not counted. Paths are `/`-rooted (`/assets/…`).
 */
export function initialScripts(manifest: Record<string, ManifestChunk>): string[] {
  const entries = Object.entries(manifest)
    .filter(([, chunk]) => chunk.isEntry)
    .map(([key]) => key);
  return chunkClosure(manifest, entries);
}

/** The scripts written into index.html itself: the app's loader and the errors page's first paint. */
export function inlineScripts(indexHtml: string): string[] {
  return [...indexHtml.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((match) => match[1]!);
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
  isEntry?: boolean;
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
