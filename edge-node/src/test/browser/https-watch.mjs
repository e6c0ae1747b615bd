import { chromium } from 'playwright-core';
// Usage: node https-watch.mjs EDGE_URL CHANNEL CA_SPKI
// Opens the watch page of an HTTPS edge in Chromium trusting the test's certificate authority (by
// its public key, as a browser that imported it would), plays for a while, and prints one JSON line:
// the protocol and connection of every request the page made, and how far the picture went.
const [edge, channel, spki] = process.argv.slice(2);
const result = { errors: [], requests: [] };
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync',
         '--no-first-run', '--autoplay-policy=no-user-gesture-required', '--ignore-certificate-errors-spki-list=' + spki] });
const page = await browser.newPage();
page.on('pageerror', e => result.errors.push(String(e)));
const devtools = await page.context().newCDPSession(page);
await devtools.send('Network.enable');
devtools.on('Network.responseReceived', event => {
  // Not data: or blob: URLs, nor answers from the browser's cache: those go over no connection.
  if (event.response.url.startsWith(edge) && !event.response.fromDiskCache && event.response.connectionId !== 0) {
    result.requests.push({ url: event.response.url.replace(edge, ''), protocol: event.response.protocol,
      connection: event.response.connectionId, status: event.response.status });
  }
});
const urls = new Map();
const pending = new Map();
devtools.on('Network.requestWillBeSent', event => {
  const url = event.request.url.replace(edge, '');
  urls.set(event.requestId, url);
  pending.set(event.requestId, { url, since: Date.now() });
});
devtools.on('Network.loadingFinished', event => pending.delete(event.requestId));
devtools.on('Network.loadingFailed', event => {
  pending.delete(event.requestId);
  if (!event.canceled) {
    result.errors.push('request failed: ' + event.errorText + ' ' + urls.get(event.requestId));
  }
});
const consoleLines = [];
page.on('console', message => consoleLines.push(message.type() + ': ' + message.text()));

// Not the load event: a video element delays it until its first frame, and the first picture is
// what is checked below, with what the page was waiting for printed if it never comes.
/** What the page was waiting for, on stderr, and the end of the check. */
async function failWith(what, extra) {
  const now = Date.now();
  console.error(what + ': ' + JSON.stringify({ ...extra, requests: result.requests.slice(-30),
    pending: [...pending.values()].map(p => ({ url: p.url, waitingMs: now - p.since })), console: consoleLines.slice(-30),
    errors: result.errors }));
  await browser.close();
  process.exit(1);
}

try {
  await page.goto(edge + '/watch/' + channel, { waitUntil: 'domcontentloaded' });
} catch (e) {
  // The page itself or one of its deferred scripts never came (DOMContentLoaded waits for them).
  await failWith('the watch page did not load in 30 s', { error: String(e).split('\n')[0] });
}
try {
  await page.waitForFunction(() => document.getElementById('video').currentTime > 0, null, { timeout: 45000 });
} catch (e) {
  const video = await page.evaluate(() => {
    const v = document.getElementById('video');
    return { readyState: v.readyState, networkState: v.networkState, buffered: v.buffered.length,
      state: document.body.dataset.state, text: document.getElementById('state').textContent };
  });
  await failWith('no picture in 45 s', { video });
}
const start = await page.evaluate(() => document.getElementById('video').currentTime);
await page.waitForTimeout(8000);
result.played = await page.evaluate(() => document.getElementById('video').currentTime) - start;
console.log(JSON.stringify(result));
await browser.close();
