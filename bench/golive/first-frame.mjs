import { chromium } from 'playwright-core';
// Usage: node first-frame.mjs ROUNDS WATCH_PAGE_URL NGINX_PLAYLIST_URL
// -> one JSON line: {"ours": [seconds...], "nginx": [seconds...]}, navigation to the first frame on screen.
// Ours is the edge's watch page as a viewer opens it; the anchor a page with hls.js (the same release,
// default settings) playing nginx-rtmp's playlist. A fresh browser context (no cache) each time, in turns.
const [rounds, watchUrl, nginxUrl] = [Number(process.argv[2]), process.argv[3], process.argv[4]];
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync',
         '--no-first-run', '--autoplay-policy=no-user-gesture-required'] });
// The first frame any video element puts on screen, in wall-clock milliseconds.
const firstFrame = () => {
  window.__firstFrame = null;
  document.addEventListener('playing', (event) => {
    const video = event.target;
    const seen = () => { if (window.__firstFrame === null) window.__firstFrame = Date.now(); };
    if (video.requestVideoFrameCallback) video.requestVideoFrameCallback(seen); else seen();
  }, true);
};
async function open(kind) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.addInitScript(firstFrame);
  const started = Date.now();
  if (kind === 'ours') {
    await page.goto(watchUrl);
  } else {
    // Served (by the browser itself) from nginx's own origin, as a site would: no CORS in the way.
    const base = new URL(nginxUrl).origin;
    await page.route(`${base}/anchor.html`, route => route.fulfill({ contentType: 'text/html',
      body: '<video id="v" muted playsinline autoplay></video><script src="/anchor-hls.js"></script><script>' +
        `const hls = new Hls(); hls.loadSource(${JSON.stringify(nginxUrl)}); hls.attachMedia(document.getElementById('v'));` +
        "hls.on(Hls.Events.MANIFEST_PARSED, () => document.getElementById('v').play());</script>" }));
    await page.route(`${base}/anchor-hls.js`, route => route.fulfill({ path: 'node_modules/hls.js/dist/hls.min.js',
      contentType: 'text/javascript' }));
    await page.goto(`${base}/anchor.html`);
  }
  await page.waitForFunction(() => window.__firstFrame !== null, null, { timeout: 20000 });
  const seconds = (await page.evaluate(() => window.__firstFrame) - started) / 1000;
  await context.close();
  return seconds;
}
const result = { ours: [], nginx: [] };
for (let i = 0; i < rounds; i++) {
  for (const kind of i % 2 === 0 ? ['ours', 'nginx'] : ['nginx', 'ours']) result[kind].push(await open(kind));
}
console.log(JSON.stringify(result));
await browser.close();
