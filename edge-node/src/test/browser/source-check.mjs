import { chromium } from 'playwright-core';
// Usage: node source-check.mjs EDGE_URL CHANNEL...
// Plays each channel's watch page for 6 s and prints one JSON line: per channel, how far the
// video's clock went, what the page shows, hls.js's levels and any error on the page.
const [edge, ...channels] = process.argv.slice(2);
const result = { channels: {}, errors: [] };
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync',
         '--no-first-run', '--autoplay-policy=no-user-gesture-required'] });
try {
  for (const channel of channels) {
    const found = { errors: [] };
    result.channels[channel] = found;
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('pageerror', e => found.errors.push(String(e)));
    try {
      await page.goto(edge + '/watch/' + channel, { waitUntil: 'domcontentloaded' });
      await page.waitForFunction(() => document.getElementById('video').currentTime > 0.2, null, { timeout: 30000 });
      const start = await page.evaluate(() => document.getElementById('video').currentTime);
      await page.waitForTimeout(6000);
      Object.assign(found, await page.evaluate(() => {
        const video = document.getElementById('video');
        return { currentTime: video.currentTime, videoHeight: video.videoHeight, state: document.body.dataset.state,
          levels: window.hls.levels.map(l => ({ height: l.height, videoCodec: l.videoCodec || null, audioCodec: l.audioCodec || null })),
          quality: [...document.querySelectorAll('#quality option')].map(o => o.textContent),
          rung: document.getElementById('stat-rung').textContent };
      }));
      found.played = found.currentTime - start;
    } catch (error) {
      found.errors.push(String(error));
    } finally {
      await page.close();
    }
  }
} catch (error) {
  result.errors.push(String(error));
} finally {
  await browser.close();
}
console.log(JSON.stringify(result));
