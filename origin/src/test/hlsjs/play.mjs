import { chromium } from 'playwright-core';
// Usage: node play.mjs MASTER_URL SECONDS -> prints one JSON line of per-second samples.
const url = process.argv[2];
const seconds = Number(process.argv[3] ?? 12);
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync',
         '--no-first-run', '--autoplay-policy=no-user-gesture-required'] });
const page = await browser.newPage();
const errors = [];
const recovered = [];
// hls.js recovers by itself from non-fatal errors (a stall while the first parts arrive on a busy machine);
// only fatal ones end playback.
page.on('console', m => {
  if (m.text().startsWith('hls error')) (m.text().endsWith(' true') ? errors : recovered).push(m.text());
});
await page.setContent('<video id="v" muted playsinline></video>');
await page.addScriptTag({ path: 'node_modules/hls.js/dist/hls.min.js' });
await page.evaluate((src) => {
  const video = document.getElementById('v');
  // The settings of the player's watch page: low-latency mode, catching up at up to 1.5x speed.
  const hls = new Hls({ lowLatencyMode: true, maxLiveSyncPlaybackRate: 1.5 });
  window.hls = hls;
  hls.on(Hls.Events.ERROR, (e, d) => console.log('hls error', d.type, d.details, d.fatal));
  window.stalls = 0;
  video.addEventListener('waiting', () => { if (video.currentTime > 0) window.stalls++; });
  hls.loadSource(src); hls.attachMedia(video);
  hls.on(Hls.Events.MANIFEST_PARSED, () => video.play());
}, url);
const samples = [];
for (let i = 0; i < seconds; i++) {
  await page.waitForTimeout(1000);
  // behind: how far the frame on screen is behind its ingest at the origin (PROGRAM-DATE-TIME), in seconds.
  samples.push(await page.evaluate(() => ({ time: document.getElementById('v').currentTime,
     latency: window.hls.latency, behind: window.hls.playingDate ? (Date.now() - window.hls.playingDate.getTime()) / 1000 : null,
     level: window.hls.currentLevel, height: document.getElementById('v').videoHeight, stalls: window.stalls })));
}
console.log(JSON.stringify({ samples, errors, recovered }));
await browser.close();
