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
devtools.on('Network.requestWillBeSent', event => urls.set(event.requestId, event.request.url.replace(edge, '')));
devtools.on('Network.loadingFailed', event => {
  if (!event.canceled) {
    result.errors.push('request failed: ' + event.errorText + ' ' + urls.get(event.requestId));
  }
});

await page.goto(edge + '/watch/' + channel);
await page.waitForFunction(() => document.getElementById('video').currentTime > 0, null, { timeout: 30000 });
const start = await page.evaluate(() => document.getElementById('video').currentTime);
await page.waitForTimeout(8000);
result.played = await page.evaluate(() => document.getElementById('video').currentTime) - start;
console.log(JSON.stringify(result));
await browser.close();
