import { chromium } from 'playwright-core';
// Usage: node recording-check.mjs EDGE_URL CHANNEL dvr|vod SCREENSHOT_DIR
// dvr: on the live watch page, follows "Watch from the start" to the live recording and plays it from
//      its beginning, goes to its live edge with the key l, seeks 30 s back with the seek bar, plays
//      there, and goes back to live with "Go live".
// vod: the directory lists the ended broadcast; its page plays it from the start as a recording,
//      seeks near the end with the keyboard and says when it is over.
// Prints one JSON line of findings.
const [edge, channel, phase, shots] = process.argv.slice(2);
const result = { phase, errors: [] };
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync',
         '--no-first-run', '--autoplay-policy=no-user-gesture-required'] });
const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
page.on('pageerror', e => result.errors.push(String(e)));
const fetched = [];
page.on('response', r => { if (r.url().includes('/recordings/')) fetched.push({ url: r.url().replace(edge, ''), status: r.status() }); });

const state = () => page.evaluate(() => {
  const video = document.getElementById('video');
  const seekable = video.seekable.length ? [video.seekable.start(0), video.seekable.end(video.seekable.length - 1)] : null;
  return { state: document.body.dataset.state, currentTime: video.currentTime, paused: video.paused, readyState: video.readyState,
    seekable, badge: document.getElementById('live-badge').hidden ? null : document.getElementById('live-badge').textContent,
    goLive: !document.getElementById('go-live').hidden, time: document.getElementById('time').textContent,
    behindLive: window.hls && window.hls.liveSyncPosition ? window.hls.liveSyncPosition - video.currentTime : null,
    url: location.pathname + location.search };
});
/** Waits until the video has played two seconds on from where it is. */
async function playsOn(label) {
  const from = await page.evaluate(() => document.getElementById('video').currentTime);
  await page.waitForFunction(t => { const v = document.getElementById('video'); return !v.paused && v.currentTime > t + 2; }, from,
    { timeout: 20000 }).then(() => { result[label] = true; }, () => { result[label] = false; });
}

try {
  if (phase === 'dvr') {
    await page.goto(edge + '/watch/' + channel, { waitUntil: 'domcontentloaded' });
    const fromStart = page.locator('#from-start');
    await fromStart.waitFor({ state: 'visible', timeout: 30000 });
    result.fromStartHref = await fromStart.getAttribute('href');
    await fromStart.click();
    await page.waitForFunction(() => location.search.includes('recording='), null, { timeout: 10000 });
    await page.waitForFunction(() => document.getElementById('video').currentTime > 0.5, null, { timeout: 30000 });
    await playsOn('playedFromStart');
    result.atStart = await state();
    // The key l takes it to the live edge of the recording.
    await page.keyboard.press('l');
    await page.waitForFunction(() => window.hls && window.hls.liveSyncPosition
        && window.hls.liveSyncPosition - document.getElementById('video').currentTime < 4, null, { timeout: 15000 })
      .catch(() => {});
    await playsOn('playedAtLiveByKey');
    result.atLive = await state();
    // Back 30 s with the seek bar, as a viewer drags it.
    const target = result.atLive.currentTime - 30;
    result.target = target;
    await page.evaluate(t => {
      const seek = document.getElementById('seek');
      seek.value = t;
      seek.dispatchEvent(new Event('input'));
      seek.dispatchEvent(new Event('change'));
    }, target);
    await page.waitForFunction(t => Math.abs(document.getElementById('video').currentTime - t) < 3, target, { timeout: 10000 })
      .catch(() => {});
    await playsOn('playedAfterSeek');
    result.back = await state();
    await page.screenshot({ path: shots + '/dvr-back.png' });
    // "Go live" is offered so far back; it takes the viewer to the live edge of the recording.
    await page.locator('#go-live').click({ timeout: 10000 });
    await page.waitForFunction(() => window.hls && window.hls.liveSyncPosition
        && window.hls.liveSyncPosition - document.getElementById('video').currentTime < 4, null, { timeout: 15000 })
      .catch(() => {});
    await playsOn('playedAtLive');
    result.live = await state();
    await page.screenshot({ path: shots + '/dvr-live.png' });
  } else {
    await page.goto(edge + '/', { waitUntil: 'domcontentloaded' });
    const card = page.locator('.recording a').first();
    await card.waitFor({ timeout: 30000 });
    // The card's picture loads lazily after the card appears: wait for it (a picture that never loads reports 0).
    await page.waitForFunction(() => { const img = document.querySelector('.recording img');
      return img && img.complete && img.naturalWidth > 0; }, null, { timeout: 15000 }).catch(() => {});
    result.card = { href: await card.getAttribute('href'), details: await card.locator('.details').textContent(),
      thumbnailSrc: await card.locator('img').getAttribute('src'),
      thumbnail: await page.evaluate(() => { const img = document.querySelector('.recording img');
        return img && img.complete ? img.naturalWidth : 0; }) };
    await card.click();
    await page.waitForFunction(() => document.getElementById('video').currentTime > 0.5, null, { timeout: 30000 });
    await playsOn('played');
    result.start = await state();
    // Near the end with the keyboard: the seek bar has focus, End takes it to its maximum.
    await page.focus('#seek');
    await page.keyboard.press('End');
    await page.evaluate(() => document.getElementById('seek').dispatchEvent(new Event('change')));
    await page.waitForFunction(() => document.body.dataset.state === 'ended', null, { timeout: 20000 })
      .then(() => { result.endedShown = true; }, () => { result.endedShown = false; });
    result.end = await state();
    result.endText = await page.evaluate(() => document.getElementById('state').textContent);
    await page.screenshot({ path: shots + '/vod-end.png' });
  }
} catch (error) {
  result.errors.push(String(error));
  result.failedAt = await state().catch(() => null);
}
result.fetched = fetched.slice(-6);
console.log(JSON.stringify(result));
await browser.close();
