import { chromium } from 'playwright-core';
// Usage: node whip.mjs PAGE_URL WHIP_URL STREAM_KEY SECONDS
// Publishes Chromium's fake camera and microphone (H.264 + Opus) over WHIP for SECONDS from a page
// at PAGE_URL (loopback is a secure context, so getUserMedia works), then closes the connection and
// DELETEs the session. Prints one JSON line: the answer's status and headers, the connection states,
// what the sender's stats say was sent, the DELETE's status.
// With WHIP_URL "offer" it prints the offer only (test fixtures).
const [pageUrl, whipUrl, key, seconds] = process.argv.slice(2);
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync',
         '--no-first-run', '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream',
         '--allow-loopback-in-peer-connection'] });
const page = await browser.newPage();
page.on('console', m => console.error('page:', m.text()));
await page.goto(pageUrl);
const result = await page.evaluate(async ([whipUrl, key, seconds]) => {
  const pc = new RTCPeerConnection();
  const states = [];
  pc.onconnectionstatechange = () => states.push(pc.connectionState);
  const media = await navigator.mediaDevices.getUserMedia({ video: { width: 640, height: 360, frameRate: 30 }, audio: true });
  for (const track of media.getTracks()) {
    const transceiver = pc.addTransceiver(track, { direction: 'sendonly' });
    if (track.kind === 'video') {
      transceiver.setCodecPreferences(RTCRtpSender.getCapabilities('video').codecs
        .filter(c => c.mimeType === 'video/H264' && /packetization-mode=1/.test(c.sdpFmtpLine)));
    }
  }
  await pc.setLocalDescription(await pc.createOffer());
  await new Promise(done => {
    if (pc.iceGatheringState === 'complete') return done();
    pc.onicegatheringstatechange = () => pc.iceGatheringState === 'complete' && done();
    setTimeout(done, 3000);
  });
  if (whipUrl === 'offer') return { offer: pc.localDescription.sdp };
  const response = await fetch(whipUrl, { method: 'POST', body: pc.localDescription.sdp,
    headers: { 'Content-Type': 'application/sdp', 'Authorization': 'Bearer ' + key } });
  const answer = await response.text();
  const out = { status: response.status, location: response.headers.get('Location'),
    contentType: response.headers.get('Content-Type'), etag: response.headers.get('ETag'), states };
  if (response.status !== 201) return { ...out, body: answer };
  await pc.setRemoteDescription({ type: 'answer', sdp: answer });
  await new Promise(r => setTimeout(r, Number(seconds) * 1000));
  const sent = {};
  (await pc.getStats()).forEach(s => { if (s.type === 'outbound-rtp') sent[s.kind] = { packets: s.packetsSent,
    frames: s.framesEncoded, keyFrames: s.keyFramesEncoded, nacks: s.nackCount, plis: s.pliCount,
    width: s.frameWidth, height: s.frameHeight, codec: s.codecId }; });
  pc.close();
  const deleted = await fetch(new URL(out.location, whipUrl), { method: 'DELETE' });
  return { ...out, sent, deleteStatus: deleted.status };
}, [whipUrl, key, seconds]);
console.log(JSON.stringify(result));
await browser.close();
