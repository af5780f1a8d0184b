// Container health check without curl or wget in the image: `node deploy/docker/healthcheck.mjs <url>`
// exits 0 when the URL answers 2xx within 4 s, 1 otherwise (with the reason on stderr).
const url = process.argv[2];
if (!url) {
  process.stderr.write('usage: node deploy/docker/healthcheck.mjs <url>\n');
  process.exit(2);
}
try {
  const res = await fetch(url, { signal: AbortSignal.timeout(4000) });
  if (res.ok) process.exit(0);
  process.stderr.write(`${url} answered ${res.status}: ${(await res.text()).slice(0, 500)}\n`);
} catch (err) {
  process.stderr.write(`${url} unreachable: ${err instanceof Error ? err.message : String(err)}\n`);
}
process.exit(1);
