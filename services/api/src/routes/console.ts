// The web console: three static files from services/api/public, read once. No build step, no framework.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { App } from '../app';

const PUBLIC_DIR = path.resolve(import.meta.dirname, '../../public');
const FILES: Record<string, { file: string; type: string }> = {
  '/': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/console/app.js': { file: 'app.js', type: 'text/javascript; charset=utf-8' },
  '/console/style.css': { file: 'style.css', type: 'text/css; charset=utf-8' },
};

export function registerConsole(app: App): void {
  for (const [url, { file, type }] of Object.entries(FILES)) {
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
