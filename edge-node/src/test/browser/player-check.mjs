import { chromium } from 'playwright-core';
// Usage: node player-check.mjs EDGE_URL CHANNEL SCREENSHOT_DIR
// Walks the player like a viewer and prints one JSON line of findings; prints STOP-PUBLISHER when
// it wants the stream to end, then waits for the page to say so.
const [edge, channel, shots] = process.argv.slice(2);
const result = { directory: {}, watch: {}, quality: {}, offline: {}, ended: {}, errors: [] };
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync',
         '--no-first-run', '--autoplay-policy=no-user-gesture-required'] });
const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
page.on('pageerror', e => result.errors.push(String(e)));

// The directory lists the channel with a thumbnail that loaded.
await page.goto(edge + '/');
const card = page.locator(`.channel[data-channel="${channel}"]`);
await card.waitFor({ timeout: 30000 });
await page.waitForFunction(c => {
  const img = document.querySelector(`.channel[data-channel="${c}"] img`);
  return img && img.complete && img.naturalWidth > 0;
}, channel, { timeout: 30000 });
result.directory = await page.evaluate(c => ({
  status: document.getElementById('status').textContent,
  thumbnailWidth: document.querySelector(`.channel[data-channel="${c}"] img`).naturalWidth,
  details: document.querySelector(`.channel[data-channel="${c}"] .details`).textContent,
  href: document.querySelector(`.channel[data-channel="${c}"] a`).getAttribute('href'),
}), channel);
await page.screenshot({ path: shots + '/directory.png' });

// The watch page plays: one sample a second for 20 s.
await card.locator('a').click();
await page.waitForFunction(() => window.hls && window.hls.levels && window.hls.levels.length > 0, null, { timeout: 30000 });
await page.waitForFunction(() => document.getElementById('video').currentTime > 0, null, { timeout: 30000 });
const samples = [];
for (let i = 0; i < 20; i++) {
  await page.waitForTimeout(1000);
  samples.push(await page.evaluate(() => {
    const video = document.getElementById('video');
    return { time: video.currentTime, latency: window.hls.playingDate ? (Date.now() - window.hls.playingDate.getTime()) / 1000 : null,
      level: window.hls.currentLevel, height: video.videoHeight, state: document.body.dataset.state,
      shownLatency: document.getElementById('stat-latency').textContent };
  }));
}
result.watch = { samples, options: await page.$$eval('#quality option', os => os.map(o => o.textContent)) };
await page.screenshot({ path: shots + '/watch.png' });

// Choosing another rung in the menu plays that rung.
const levels = await page.evaluate(() => window.hls.levels.map(l => l.height));
const playing = await page.evaluate(() => window.hls.currentLevel);
const wanted = levels.findIndex((h, i) => i !== playing && h !== levels[playing]);
result.quality = { levels, before: playing, wanted };
if (wanted >= 0) {
  await page.selectOption('#quality', String(wanted));
  await page.waitForFunction(w => window.hls.currentLevel === w
      && document.getElementById('video').videoHeight === window.hls.levels[w].height, wanted, { timeout: 20000 })
    .then(() => { result.quality.switched = true; }, () => { result.quality.switched = false; });
  result.quality.after = await page.evaluate(() => ({ level: window.hls.currentLevel, height: document.getElementById('video').videoHeight,
    stored: localStorage.getItem('vcdn.quality') }));
}

// A channel that is not live says so.
const offline = await browser.newPage();
await offline.goto(edge + '/watch/nobody-here');
await offline.waitForFunction(() => document.body.dataset.state === 'offline', null, { timeout: 15000 })
  .then(() => { result.offline.shown = true; }, () => { result.offline.shown = false; });
result.offline.text = await offline.evaluate(() => document.getElementById('state').textContent);
await offline.close();

// The publisher stops: the page says the stream ended.
const playlists = [];
page.on('response', r => { if (r.url().endsWith('.m3u8') || r.url().includes('.m3u8?')) playlists.push({ at: Date.now(), url: r.url().replace(edge, ''), status: r.status() }); });
page.on('requestfailed', r => playlists.push({ at: Date.now(), url: r.url().replace(edge, ''), failed: r.failure() && r.failure().errorText }));
const stoppedAt = Date.now();
console.log('STOP-PUBLISHER');
await page.waitForFunction(() => document.body.dataset.state === 'ended', null, { timeout: 60000 })
  .then(() => { result.ended.shown = true; }, () => { result.ended.shown = false; });
result.ended.text = await page.evaluate(() => document.getElementById('state').textContent);
result.ended.afterMs = Date.now() - stoppedAt;
if (!result.ended.shown) {
  // What the page knew when it did not say so, for the failure message.
  result.ended.page = await page.evaluate(() => {
    const video = document.getElementById('video');
    const ranges = [];
    for (let i = 0; i < video.buffered.length; i++) ranges.push([video.buffered.start(i), video.buffered.end(i)]);
    const level = window.hls && window.hls.levels[window.hls.currentLevel];
    return { state: document.body.dataset.state, currentTime: video.currentTime, paused: video.paused, ended: video.ended,
      ranges, level: window.hls && window.hls.currentLevel, live: level && level.details ? level.details.live : null,
      lastPart: level && level.details ? level.details.lastPartSn + '.' + level.details.lastPartIndex : null };
  });
  result.ended.playlists = playlists.map(p => ({ ...p, at: p.at - stoppedAt }));
}
await page.screenshot({ path: shots + '/ended.png' });
console.log(JSON.stringify(result));
await browser.close();
