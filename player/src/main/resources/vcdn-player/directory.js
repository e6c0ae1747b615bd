// The channel directory: the live channels from /api/streams, refreshed every few seconds.
'use strict';

const REFRESH_MS = 5000;
const RECORDINGS_REFRESH_MS = 15000;
const PAST_SHOWN = 24;
const THUMB_REFRESH_MS = 10000;
const list = document.getElementById('channels');
const status = document.getElementById('status');
const cards = new Map();

function uptime(startedAt) {
  const seconds = Math.max(0, Math.floor((Date.now() - Date.parse(startedAt)) / 1000));
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  return (h > 0 ? h + ':' + String(m).padStart(2, '0') : String(m)) + ':' + String(s).padStart(2, '0');
}

async function refreshThumbnail(img, channel) {
  try {
    // Revalidate: the edge keeps a thumbnail a few seconds, the browser must not keep it longer.
    const response = await fetch('/live/' + channel + '/thumb.jpg', { cache: 'no-cache' });
    if (!response.ok) return;
    const previous = img.dataset.objectUrl;
    img.dataset.objectUrl = URL.createObjectURL(await response.blob());
    img.src = img.dataset.objectUrl;
    if (previous) URL.revokeObjectURL(previous);
  } catch (ignored) {
    // The next refresh tries again.
  }
}

function card(stream) {
  const item = document.createElement('li');
  item.className = 'channel';
  item.dataset.channel = stream.channel;
  const link = document.createElement('a');
  link.href = '/watch/' + encodeURIComponent(stream.channel);
  const img = document.createElement('img');
  img.alt = 'Current picture of ' + stream.channel;
  img.width = 320;
  img.height = 180;
  const name = document.createElement('span');
  name.className = 'name';
  name.textContent = stream.channel;
  const details = document.createElement('span');
  details.className = 'details';
  link.append(img, name, details);
  item.append(link);
  refreshThumbnail(img, stream.channel);
  item.thumbTimer = setInterval(() => refreshThumbnail(img, stream.channel), THUMB_REFRESH_MS);
  return item;
}

function render(streams) {
  const live = streams.filter(s => s.state === 'live' || s.state === undefined);
  const names = new Set(live.map(s => s.channel));
  for (const [channel, item] of cards) {
    if (!names.has(channel)) {
      clearInterval(item.thumbTimer);
      item.remove();
      cards.delete(channel);
    }
  }
  for (const stream of live) {
    let item = cards.get(stream.channel);
    if (!item) {
      item = card(stream);
      cards.set(stream.channel, item);
      list.append(item);
    }
    const renditions = (stream.renditions || []).filter(r => r !== 'audio').join(', ');
    item.querySelector('.details').textContent = 'live for ' + uptime(stream.startedAt) + (renditions ? ' · ' + renditions : '');
  }
  status.textContent = live.length === 0 ? 'No channel is live right now.'
    : live.length + (live.length === 1 ? ' channel is' : ' channels are') + ' live.';
}

async function refresh() {
  try {
    const response = await fetch('/api/streams', { cache: 'no-store' });
    if (!response.ok) throw new Error('HTTP ' + response.status);
    render(await response.json());
  } catch (error) {
    status.textContent = 'Cannot reach the channel list right now; trying again.';
  }
  setTimeout(refresh, REFRESH_MS);
}

/** The newest recordings of every public channel, ended ones: what the directory offers beside the live channels. */
async function refreshRecordings() {
  try {
    const response = await fetch('/api/recordings', { cache: 'no-store' });
    if (response.ok) {
      const past = (await response.json()).filter(r => r.endedAt).slice(0, PAST_SHOWN);
      document.getElementById('recordings').replaceChildren(...past.map(r => recordingCard(r)));
      document.getElementById('past').hidden = past.length === 0;
    }
  } catch (ignored) {
    // The next refresh tries again.
  }
  setTimeout(refreshRecordings, RECORDINGS_REFRESH_MS);
}

refresh();
refreshRecordings();
