import { chromium } from 'playwright-core';
import { createRequire } from 'module';
// Usage: node private-check.mjs EDGE_URL CHANNEL WATCH_PATH MASTER_PATH
// A private channel in the browser: the watch page without a token shows the private state; the
// watch page at the minted watch path plays (hls.js); shaka-player plays the minted master path.
// Prints one JSON line of findings, with every request that went out without the token prefix.
const require = createRequire(import.meta.url);
const shakaScript = require.resolve('shaka-player/dist/shaka-player.compiled.js');
const [edge, channel, watchPath, masterPath] = process.argv.slice(2);
const result = { errors: [] };
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync',
         '--no-first-run', '--autoplay-policy=no-user-gesture-required'] });

/** Media and playlist requests of a page that did not carry the token, and answers of 400 or more. */
function watchRequests(page, into) {
  into.untokened = [];
  into.refused = [];
  page.on('request', r => {
    const path = new URL(r.url()).pathname;
    if ((path.endsWith('.m3u8') || path.endsWith('.m4s') || path.endsWith('.mp4')) && !path.startsWith('/t/')) {
      into.untokened.push(path);
    }
  });
  page.on('response', r => { if (r.status() >= 400) into.refused.push(r.status() + ' ' + new URL(r.url()).pathname.slice(-40)); });
}

async function playing(page, seconds) {
  const deadline = Date.now() + 40000;
  while (Date.now() < deadline) {
    const time = await page.evaluate(() => document.querySelector('video').currentTime);
    if (time > seconds) return time;
    await new Promise(r => setTimeout(r, 250));
  }
  return await page.evaluate(() => document.querySelector('video').currentTime);
}

// 1. Without a token: the page says the stream is private.
const bare = await browser.newPage();
bare.on('pageerror', e => result.errors.push('bare: ' + e));
await bare.goto(edge + '/watch/' + channel);
try {
  await bare.waitForSelector('body[data-state="private"]', { timeout: 15000 });
  result.bareState = 'private';
} catch (e) {
  result.bareState = await bare.evaluate(() => document.body.dataset.state);
}
result.bareText = await bare.evaluate(() => document.getElementById('state').textContent);
await bare.close();

// 2. The watch page at the minted path: hls.js plays, every request under the token.
const watch = await browser.newPage();
watch.on('pageerror', e => result.errors.push('watch: ' + e));
result.watch = {};
watchRequests(watch, result.watch);
await watch.goto(edge + watchPath);
result.watch.played = await playing(watch, 3);
result.watch.state = await watch.evaluate(() => document.body.dataset.state);
await watch.close();

// 3. shaka-player on the minted master path (it starts once three segments are listed).
for (let complete = 0; complete < 3; await new Promise(r => setTimeout(r, 250))) {
  const variant = (await (await fetch(edge + masterPath)).text()).split('\n').find(line => line && !line.startsWith('#'));
  complete = (await (await fetch(new URL(variant, edge + masterPath))).text()).split('#EXTINF').length - 1;
}
const shakaPage = await browser.newPage();
shakaPage.on('pageerror', e => result.errors.push('shaka: ' + e));
result.shaka = {};
watchRequests(shakaPage, result.shaka);
await shakaPage.goto(edge + '/api/streams');
await shakaPage.setContent('<!doctype html><video id="video" muted></video>');
await shakaPage.addScriptTag({ path: shakaScript });
await shakaPage.evaluate(async src => {
  shaka.polyfill.installAll();
  const player = new shaka.Player();
  await player.attach(document.getElementById('video'));
  player.configure({ streaming: { lowLatencyMode: true } });
  await player.load(src);
  document.getElementById('video').play();
}, edge + masterPath);
result.shaka.played = await playing(shakaPage, 3);
await shakaPage.close();

await browser.close();
console.log(JSON.stringify(result));
