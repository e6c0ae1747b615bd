import HLS from 'hls-parser';
// Usage: node strict-playlists.mjs BASE_URL CHANNEL SECONDS
// Reads a channel's playlists as a strict third-party parser does (npm hls-parser, strictMode):
// the multivariant playlist, and for every variant the plain media playlist, a blocking reload
// and a delta update, again and again for SECONDS so every moment of a segment is seen.
// Prints one JSON line: how many playlists of each kind were read and every refusal.
const [base, channel, seconds] = process.argv.slice(2);
HLS.setOptions({ strictMode: true });
const result = { read: { multivariant: 0, plain: 0, blocking: 0, delta: 0 }, refused: [] };

function check(kind, url, text) {
  try {
    const playlist = HLS.parse(text);
    result.read[kind]++;
    return playlist;
  } catch (error) {
    if (result.refused.length < 20) {
      result.refused.push({ kind, url: url.replace(base, ''), error: String(error.message || error), text: text.slice(-1500) });
    }
    return null;
  }
}

async function get(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(url + ' answered ' + response.status);
  return response.text();
}

const master = `${base}/live/${channel}/master.m3u8`;
const deadline = Date.now() + Number(seconds) * 1000;
while (Date.now() < deadline) {
  const multivariant = check('multivariant', master, await get(master));
  const uris = multivariant ? multivariant.variants.map(v => v.uri) : [];
  for (const uri of uris) {
    const media = new URL(uri, master).toString();
    const plain = check('plain', media, await get(media));
    if (!plain) continue;
    const next = plain.mediaSequenceBase + plain.segments.filter(s => s.duration !== undefined).length;
    check('blocking', media, await get(`${media}?_HLS_msn=${next}&_HLS_part=0`));
    check('delta', media, await get(`${media}?_HLS_skip=YES`));
  }
  await new Promise(resolve => setTimeout(resolve, 150));
}
console.log(JSON.stringify(result));
