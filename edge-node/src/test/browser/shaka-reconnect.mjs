import { chromium } from 'playwright-core';
import { createRequire } from 'module';
// Usage: node shaka-reconnect.mjs EDGE_URL CHANNEL
// Plays a channel's LL-HLS from the edge with shaka-player (not our watch page) while the publisher
// goes away for 3 s: prints STOP-PUBLISHER and START-PUBLISHER when it wants the publisher to leave
// and come back, and last one JSON line of findings.
const require = createRequire(import.meta.url);
const shakaScript = require.resolve('shaka-player/dist/shaka-player.compiled.js');
const [edge, channel] = process.argv.slice(2);
const result = { errors: [] };
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync',
         '--no-first-run', '--autoplay-policy=no-user-gesture-required'] });
const page = await browser.newPage();
page.on('pageerror', e => result.errors.push(String(e)));
// Requests that failed or were refused, and the media playlists shaka was answered, for the failure message.
const failures = [];
page.on('requestfailed', r => failures.push({ at: Date.now(), url: r.url().replace(edge, ''), failed: r.failure() && r.failure().errorText }));
page.on('response', r => { if (r.status() >= 400) failures.push({ at: Date.now(), url: r.url().replace(edge, ''), status: r.status() }); });
const playlists = [];
page.on('response', async r => {
  if (!r.url().includes('.m3u8') || r.url().endsWith('master.m3u8')) return;
  const at = Date.now();
  const text = await r.text().catch(() => '');
  const tag = name => (text.match(new RegExp('#' + name + ':([^\\n]*)')) || [])[1];
  const lastPart = [...text.matchAll(/#EXT-X-PART:[^\n]*URI="([^"]*)"/g)].pop();
  playlists.push({ at, url: r.url().replace(edge, ''), status: r.status(), msn: tag('EXT-X-MEDIA-SEQUENCE'), skip: tag('EXT-X-SKIP'),
    dseq: tag('EXT-X-DISCONTINUITY-SEQUENCE'), discontinuities: text.split('#EXT-X-DISCONTINUITY\n').length - 1,
    maps: [...text.matchAll(/#EXT-X-MAP:URI="([^"]*)"/g)].map(m => m[1]), lastPart: lastPart && lastPart[1], hint: tag('EXT-X-PRELOAD-HINT'),
    text });
});

// shaka-player 5.2 cannot start on a live playlist whose only complete segment is followed by a
// preload hint (it probes the hinted segment, which has no URI yet): start once there are three.
const master = edge + '/live/' + channel + '/master.m3u8';
for (let complete = 0; complete < 3; await new Promise(r => setTimeout(r, 250))) {
  const variant = (await (await fetch(master)).text()).split('\n').find(line => line && !line.startsWith('#'));
  complete = (await (await fetch(new URL(variant, master))).text()).split('#EXTINF').length - 1;
}

// A page of the edge's own origin, so the playlists and media are same-origin requests.
await page.goto(edge + '/api/streams');
await page.setContent('<!doctype html><video id="video" muted></video>');
await page.addScriptTag({ path: shakaScript });
await page.evaluate(async src => {
  shaka.polyfill.installAll();
  window.__errors = [];
  const video = document.getElementById('video');
  const player = new shaka.Player();
  await player.attach(video);
  player.configure({ streaming: { lowLatencyMode: true } });
  window.__recoverable = [];
  player.addEventListener('error', event => {
    const detail = event.detail || {};
    const text = 'shaka error ' + detail.severity + '/' + detail.category + '/' + detail.code + ' '
      + String(detail.message || detail).slice(0, 200);
    // Severity 1 (RECOVERABLE): shaka goes on by itself; 2 (CRITICAL) stops playback.
    if (detail.severity === 1) {
      window.__recoverable.push({ at: Date.now(), text });
    } else {
      window.__errors.push(text);
    }
  });
  await player.load(src);
  window.player = player;
  video.play();
}, master);

// What the test prints when the check fails: where shaka plays, what it has buffered, its seek range.
const sample = () => page.evaluate(() => {
  const video = document.getElementById('video');
  const ranges = [];
  for (let i = 0; i < video.buffered.length; i++) {
    ranges.push([+video.buffered.start(i).toFixed(2), +video.buffered.end(i).toFixed(2)]);
  }
  const seek = window.player ? window.player.seekRange() : null;
  return { time: video.currentTime, at: Date.now(), ended: video.ended, buffered: ranges,
    seek: seek ? [+seek.start.toFixed(2), +seek.end.toFixed(2)] : null, buffering: window.player ? window.player.isBuffering() : null };
});
async function samples(millis) {
  const taken = [];
  const until = Date.now() + millis;
  while (Date.now() < until) {
    taken.push(await sample());
    await page.waitForTimeout(250);
  }
  return taken;
}

await page.waitForFunction(() => document.getElementById('video').currentTime > 1, null, { timeout: 30000 });
await page.waitForTimeout(3000);
console.log('STOP-PUBLISHER');
result.before = await sample();
result.gap = await samples(3000);
console.log('START-PUBLISHER');
const backAt = Date.now();
result.after = await samples(20000);
// Playing again: the first sample from which the time keeps moving.
const moving = result.after.findIndex((s, i) => i >= 2 && s.time > result.after[i - 1].time
  && result.after[i - 1].time > result.after[i - 2].time && s.time > Math.max(...result.gap.map(g => g.time)));
result.playingAgainSeconds = moving < 0 ? null : (result.after[moving - 2].at - backAt) / 1000;
result.errors.push(...await page.evaluate(() => window.__errors));
const recoverable = await page.evaluate(() => window.__recoverable);
result.recoverable = { count: recoverable.length, kinds: [...new Set(recoverable.map(r => r.text))],
  secondsAfterStop: recoverable.slice(0, 20).map(r => (r.at - result.before.at) / 1000) };
result.shakaVersion = await page.evaluate(() => shaka.Player.version);
result.failedRequests = failures.map(f => ({ ...f, at: (f.at - backAt) / 1000 }));
if (result.playingAgainSeconds == null || result.playingAgainSeconds >= 5) {
  // Whole texts only around the join, where shaka lost its buffer in the runs seen so far.
  result.playlists = playlists.filter(p => p.at > result.before.at - 2000 && p.at < backAt + 15000)
    .map(p => ({ ...p, at: (p.at - backAt) / 1000, text: p.at > backAt - 500 && p.at < backAt + 2500 ? p.text : undefined }));
}
console.log(JSON.stringify(result));
await browser.close();
