// The web console: the static files of services/api/public, read once at start. No build step, no framework: the
// browser loads app.js as an ES module and it imports the others (i18n.js, api.js, ui.js, one module per view).
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import type { App } from '../app';

const PUBLIC_DIR = path.resolve(import.meta.dirname, '../../public');
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

/** URL -> file: the page at /, everything else at /console/<file>. */
function consoleFiles(): Record<string, { file: string; type: string }> {
  const files: Record<string, { file: string; type: string }> = {};
  for (const file of readdirSync(PUBLIC_DIR).sort()) {
    const type = TYPES[path.extname(file)];
    if (!type) continue;
    files[file === 'index.html' ? '/' : `/console/${file}`] = { file, type };
  }
  return files;
}

export function registerConsole(app: App): void {
  for (const [url, { file, type }] of Object.entries(consoleFiles())) {
    const body = readFileSync(path.join(PUBLIC_DIR, file));
    app.get(url, { config: { access: 'public' }, schema: { hide: true } }, async (_req, reply) =>
      reply
        .type(type)
        .header('cache-control', 'no-cache')
        .header('x-content-type-options', 'nosniff')
        .header('content-security-policy', "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'")
        .send(body),
    );
  }
}
