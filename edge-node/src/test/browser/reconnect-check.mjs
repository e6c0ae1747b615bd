import { chromium } from 'playwright-core';
// Usage: node reconnect-check.mjs EDGE_URL CHANNEL [failover]
// Watches a channel whose encoder goes away and comes back: first within the origin's reconnect
// grace, then after it. Prints STOP-PUBLISHER or START-PUBLISHER when it wants the publisher to
// leave or come back, and last one JSON line of findings. With "failover", it prints FAIL-ORIGIN
// once instead (the test kills the origin and publishes to another) and watches what follows.
const [edge, channel, mode] = process.argv.slice(2);
const result = { short: {}, medium: {}, long: {}, errors: [] };
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync',
         '--no-first-run', '--autoplay-policy=no-user-gesture-required'] });
const page = await browser.newPage();
page.on('pageerror', e => result.errors.push(String(e)));
let navigations = 0;
page.on('framenavigated', frame => { if (frame === page.mainFrame()) navigations++; });

const sample = () => page.evaluate(() => ({ time: document.getElementById('video').currentTime,
  state: document.body.dataset.state, marker: window.__sameDocument === true, at: Date.now() }));

async function samples(millis) {
  const taken = [];
  const until = Date.now() + millis;
  while (Date.now() < until) {
    taken.push(await sample());
    await page.waitForTimeout(250);
  }
  return taken;
}

await page.goto(edge + '/watch/' + channel);
await page.waitForFunction(() => document.getElementById('video').currentTime > 1, null, { timeout: 30000 });
await page.evaluate(() => { window.__sameDocument = true; }); // gone if the page were loaded again
await page.waitForTimeout(3000);

// Absences within the grace, one shorter and one longer than a blocking reload is held (three
// target durations): a stall, then the same playback goes on.
async function absence(millis) {
  console.log('STOP-PUBLISHER');
  const before = await sample();
  const gap = await samples(millis);
  console.log('START-PUBLISHER');
  const after = await samples(15000);
  return { before, gap, after };
}
/** Seconds from {@code before} until playback, having stalled, advances again for good; null if it never does. */
function resumedAfter(before, after) {
  const stalled = after.findIndex((s, i) => i > 0 && s.time === after[i - 1].time);
  if (stalled < 0) return 0;
  for (let i = stalled + 1; i + 2 < after.length; i++) {
    if (after[i].time > after[i - 1].time && after[i + 1].time > after[i].time && after[i + 2].time > after[i + 1].time) {
      return (after[i - 1].at - before.at) / 1000;
    }
  }
  return null;
}

if (mode === 'failover') {
  // What hls.js goes through, for the report when playback does not go on.
  await page.evaluate(() => {
    window.__log = [];
    const note = entry => { if (window.__log.length < 300) window.__log.push(entry); };
    const hls = window.hls;
    hls.on('hlsError', (e, d) => note({ error: d.details, fatal: d.fatal, status: d.response && d.response.code }));
    hls.on('hlsLevelLoaded', (e, d) => note({ level: d.level, first: d.details.startSN, last: d.details.endSN,
      startCC: d.details.startCC, start: d.details.fragments.length ? d.details.fragments[0].start : null }));
    hls.on('hlsFragLoading', (e, d) => note({ loading: d.frag.sn, cc: d.frag.cc, start: d.frag.start, part: d.part && d.part.index }));
    hls.on('hlsFragBuffered', (e, d) => note({ buffered: d.frag.sn, part: d.part && d.part.index }));
  });
  console.log('FAIL-ORIGIN');
  const before = await sample();
  const after = await samples(35000);
  const log = await page.evaluate(() => window.__log);
  const buffered = await page.evaluate(() => { const b = document.getElementById('video').buffered;
    return Array.from({ length: b.length }, (_, i) => [b.start(i), b.end(i)]); });
  result.failover = { before, gap: [], after, resumedAfterSeconds: resumedAfter(before, after), log, buffered };
  result.navigations = navigations;
  console.log(JSON.stringify(result));
  await browser.close();
  process.exit(0);
}

result.short = await absence(3000);
result.medium = await absence(10000);

// A long absence, past the grace: the page says the stream ended, then starts again by itself.
console.log('STOP-PUBLISHER');
await page.waitForFunction(() => document.body.dataset.state === 'ended', null, { timeout: 60000 })
  .then(() => { result.long.ended = true; }, () => { result.long.ended = false; });
result.long.endedText = await page.evaluate(() => document.getElementById('state').textContent);
console.log('START-PUBLISHER');
const backAt = Date.now();
await page.waitForFunction(() => document.body.dataset.state === 'playing' && window.hls
  && document.getElementById('video').currentTime > 1, null, { timeout: 60000 })
  .then(() => { result.long.restarted = true; }, () => { result.long.restarted = false; });
result.long.restartSeconds = (Date.now() - backAt) / 1000;
result.long.after = await samples(3000);
result.navigations = navigations;
console.log(JSON.stringify(result));
await browser.close();
