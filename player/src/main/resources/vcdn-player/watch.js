// The watch page: one channel in LL-HLS with hls.js (native HLS where the browser has it), or one
// of its recordings (?recording=ID: a DVR playlist while the broadcast is live, VOD after), with
// controls of its own (play, volume, a seek bar over what can be played, how far behind live,
// go live, quality, full screen), live statistics, and clear states for every way it can go wrong.
'use strict';

const QUALITY_KEY = 'vcdn.quality';
const STATS_MS = 500;
/** Behind the live edge by this much more than the player's own target: offer to go live. */
const BEHIND_SECONDS = 3;

// The page is /watch/{channel}, or /t/{token}/watch/{channel} for a private channel: the token
// prefix goes on the master playlist's URL, and every URL the player resolves from it inherits it.
const pathParts = location.pathname.split('/').filter(Boolean);
const tokenPrefix = pathParts[0] === 't' && pathParts.length >= 4 ? '/t/' + pathParts[1] : '';
const channel = decodeURIComponent(pathParts[tokenPrefix ? 3 : 1] || '');
const RECORDING_ID = /^([a-z0-9_-]{1,32})\.[A-Za-z0-9_-]{1,64}$/;
const askedRecording = new URLSearchParams(location.search).get('recording');
const recording = askedRecording && RECORDING_ID.test(askedRecording) && askedRecording.split('.')[0] === channel
  ? askedRecording : null;
const master = recording
  ? tokenPrefix + '/recordings/' + encodeURIComponent(recording) + '/master.m3u8'
  : tokenPrefix + '/live/' + encodeURIComponent(channel) + '/master.m3u8';
const video = document.getElementById('video');
const stateText = document.getElementById('state');
const quality = document.getElementById('quality');
const goLive = document.getElementById('go-live');
const liveBadge = document.getElementById('live-badge');
const seek = document.getElementById('seek');
const timeText = document.getElementById('time');
const playButton = document.getElementById('play');
const muteButton = document.getElementById('mute');
const volume = document.getElementById('volume');
const stats = document.getElementById('stats');
let hls = null;
let endlist = false;
let starvedAtEnd = 0;
/** Where the video stood at the last statistics tick. */
let lastStatsTime = -1;
let returnTimer = null;
/** The user is dragging the seek bar: the bar is theirs until they let go. */
let seeking = false;

document.getElementById('title').textContent = channel;
document.title = channel + (recording ? ' · recording' : ' · live');
if (recording) {
  const back = document.getElementById('to-live');
  back.href = tokenPrefix + '/watch/' + encodeURIComponent(channel);
  back.hidden = false;
}

/** One visible state at a time: loading, offline, private, playing, paused, trouble, ended, unsupported. */
function show(state, text) {
  document.body.dataset.state = state;
  stateText.textContent = text || '';
  stateText.hidden = state === 'playing';
}

function backoff(attempt) {
  return Math.min(10000, 1000 * 2 ** attempt);
}

async function waitForLive(attempt) {
  try {
    const response = await fetch(master, { cache: 'no-store' });
    if (response.ok) {
      start();
      return;
    }
    if (response.status === 404 && recording) {
      show('offline', 'There is no such recording: it may have been deleted.');
      showPastBroadcasts();
      return;
    } else if (response.status === 404) {
      show('offline', 'This channel is offline. It starts here as soon as it goes live.');
      showPastBroadcasts();
    } else if (response.status === 401) {
      show('private', 'This stream is private. Open it with the link you were given.');
      return;
    } else if (response.status === 403) {
      show('private', 'This link does not open this stream (' + (await response.text()).trim() + ').');
      return;
    } else {
      show('trouble', 'The server answered ' + response.status + '; trying again.');
    }
  } catch (error) {
    show('trouble', 'Network trouble; trying again in ' + backoff(attempt) / 1000 + ' s.');
  }
  setTimeout(() => waitForLive(Math.min(attempt + 1, 4)), backoff(attempt));
}

/**
 * The broadcast ended: show it, and watch for the channel to come back (its playlists lose their
 * EXT-X-ENDLIST when a new broadcast starts), then start again without a reload.
 */
function ended() {
  if (document.body.dataset.state === 'ended') return;
  if (recording) {
    show('ended', 'End of the recording.');
    return;
  }
  show('ended', 'The stream has ended. It starts again here as soon as the channel is back.');
  showPastBroadcasts();
  watchForReturn(0);
}

async function watchForReturn(attempt) {
  if (document.body.dataset.state !== 'ended') return;
  try {
    const base = new URL(master, location.href);
    const response = await fetch(base, { cache: 'no-store' });
    if (response.ok) {
      const first = (await response.text()).split('\n').map(line => line.trim()).find(line => line && !line.startsWith('#'));
      if (first) {
        const media = await fetch(new URL(first, base), { cache: 'no-store' });
        if (media.ok && !(await media.text()).includes('#EXT-X-ENDLIST')) {
          restart();
          return;
        }
      }
    }
  } catch (error) {
    // Offline or unreachable for now: keep watching.
  }
  returnTimer = setTimeout(() => watchForReturn(Math.min(attempt + 1, 2)), backoff(attempt));
}

function start() {
  if (window.Hls && Hls.isSupported()) {
    startHlsJs();
  } else if (video.canPlayType('application/vnd.apple.mpegurl')) {
    video.src = master;
    video.addEventListener('loadedmetadata', () => play(), { once: true });
  } else {
    show('unsupported', 'This browser cannot play live video: it has neither Media Source Extensions nor native HLS.');
  }
}

function play() {
  video.play().then(() => show('playing')).catch(() => show('paused', 'Press play to start.'));
}

/** Where a recording starts: ?t= seconds from its beginning ("Watch from the start" is t=0), else hls.js's choice (live: near the edge). */
function startAt() {
  const t = Number(new URLSearchParams(location.search).get('t'));
  return Number.isFinite(t) && t >= 0 && new URLSearchParams(location.search).has('t') ? t : -1;
}

/** The request headers that carry a private channel's token to the API (playback URLs carry it in the path). */
function apiHeaders() {
  return tokenPrefix ? { Authorization: 'Bearer ' + decodeURIComponent(tokenPrefix.substring(3)) } : {};
}

async function channelRecordings() {
  const response = await fetch('/api/recordings?channel=' + encodeURIComponent(channel), { cache: 'no-store', headers: apiHeaders() });
  return response.ok ? response.json() : [];
}

/** On a live channel that is being recorded: a link to its recording, where the whole broadcast can be rewound. */
async function offerFromStart() {
  try {
    const live = (await channelRecordings()).find(r => !r.endedAt);
    const link = document.getElementById('from-start');
    if (live) {
      link.href = recordingHref(live, tokenPrefix) + '&t=0';
      link.hidden = false;
    }
  } catch (ignored) {
    // No recordings to offer.
  }
}

async function showPastBroadcasts() {
  try {
    const past = (await channelRecordings()).filter(r => r.endedAt && r.id !== recording).slice(0, 12);
    document.getElementById('recordings').replaceChildren(...past.map(r => recordingCard(r, tokenPrefix)));
    document.getElementById('past').hidden = past.length === 0;
  } catch (ignored) {
    // Nothing to show.
  }
}

function codecName(codecs) {
  if (!codecs) return '';
  if (codecs.startsWith('av01')) return 'AV1';
  if (codecs.startsWith('vp09')) return 'VP9';
  if (codecs.startsWith('avc1')) return 'H.264';
  if (codecs.startsWith('hvc1') || codecs.startsWith('hev1')) return 'HEVC';
  return codecs;
}

function decodable(level) {
  return !level.videoCodec || !window.MediaSource
    || MediaSource.isTypeSupported('video/mp4; codecs="' + level.videoCodec + '"');
}

/** '720p H.264', or 'Audio only' for a stream without a picture. */
function levelName(level) {
  return level.height ? level.height + 'p ' + codecName(level.videoCodec) : 'Audio only';
}

function levelKey(level) {
  return level.height + ':' + codecName(level.videoCodec);
}

function buildQualityMenu() {
  quality.replaceChildren(new Option('Auto', 'auto'));
  hls.levels.forEach((level, index) => {
    if (!decodable(level)) return;
    const label = levelName(level) + ' · ' + (level.bitrate / 1e6).toFixed(1) + ' Mb/s';
    quality.append(new Option(label, String(index)));
  });
  const saved = localStorage.getItem(QUALITY_KEY);
  const index = hls.levels.findIndex(level => levelKey(level) === saved);
  quality.value = index >= 0 && decodable(hls.levels[index]) ? String(index) : 'auto';
  hls.currentLevel = quality.value === 'auto' ? -1 : index;
  quality.disabled = false;
}

quality.addEventListener('change', () => {
  if (!hls) return;
  if (quality.value === 'auto') {
    localStorage.setItem(QUALITY_KEY, 'auto');
    hls.currentLevel = -1;
  } else {
    const index = Number(quality.value);
    localStorage.setItem(QUALITY_KEY, levelKey(hls.levels[index]));
    hls.currentLevel = index;
  }
});

function startHlsJs() {
  // No bandwidth test before the first level is chosen: hls.js would load a whole segment of the
  // lowest rung first (measured: the first frame 0.2-0.3 s later); ABR moves up from the parts as they come.
  // A recording is played from whole segments (no parts), with a back buffer for seeking around in it.
  hls = recording
    ? new Hls({ lowLatencyMode: false, backBufferLength: 90, testBandwidth: false })
    : new Hls({ lowLatencyMode: true, backBufferLength: 30, maxLiveSyncPlaybackRate: 1.5, testBandwidth: false });
  // For debugging and the browser tests.
  window.hls = hls;
  let networkAttempt = 0;
  hls.on(Hls.Events.MANIFEST_PARSED, () => {
    buildQualityMenu();
    play();
    if (!recording) offerFromStart();
  });
  // hls.js starts a playlist that is still growing at its live edge, whatever startPosition says: a
  // recording asked for at a time (?t=) is sought there once the media is known.
  if (recording && startAt() >= 0) {
    video.addEventListener('loadedmetadata', () => {
      const range = seekableRange();
      video.currentTime = range ? Math.max(range.start, Math.min(startAt(), range.end)) : startAt();
    }, { once: true });
  }
  hls.on(Hls.Events.FRAG_LOADED, () => {
    networkAttempt = 0;
    if (document.body.dataset.state === 'trouble') show('playing');
  });
  hls.on(Hls.Events.LEVEL_UPDATED, (event, data) => {
    if (data.details && !data.details.live) endlist = true;
  });
  hls.on(Hls.Events.ERROR, (event, data) => {
    if (!data.fatal) return;
    if (data.type === Hls.ErrorTypes.MEDIA_ERROR) {
      hls.recoverMediaError();
      return;
    }
    if (data.type === Hls.ErrorTypes.NETWORK_ERROR) {
      if (endlist) {
        ended();
        return;
      }
      const delay = backoff(networkAttempt);
      networkAttempt = Math.min(networkAttempt + 1, 4);
      show('trouble', 'Network trouble; retrying in ' + delay / 1000 + ' s.');
      setTimeout(() => {
        if (data.details === Hls.ErrorDetails.MANIFEST_LOAD_ERROR) {
          restart();
        } else {
          hls.startLoad();
        }
      }, delay);
      return;
    }
    restart();
  });
  hls.loadSource(master);
  hls.attachMedia(video);
}

function restart() {
  clearTimeout(returnTimer);
  show('loading', 'Loading…');
  if (hls) hls.destroy();
  hls = null;
  window.hls = null;
  endlist = false;
  quality.disabled = true;
  waitForLive(0);
}

video.addEventListener('ended', ended);
video.addEventListener('playing', () => show('playing'));

function behindLiveEdge() {
  if (!hls || !hls.liveSyncPosition) return 0;
  return hls.liveSyncPosition - video.currentTime;
}

function jumpToLive() {
  if (hls && hls.liveSyncPosition) video.currentTime = hls.liveSyncPosition;
  if (video.paused) play();
}

goLive.addEventListener('click', jumpToLive);
liveBadge.addEventListener('click', jumpToLive);

/** What can be played now: the whole recording, or the live window (a DVR playlist reaches back to the start). */
function seekableRange() {
  if (video.seekable.length === 0) return null;
  return { start: video.seekable.start(0), end: video.seekable.end(video.seekable.length - 1) };
}

function clock(seconds) {
  const total = Math.max(0, Math.floor(seconds));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  return (h > 0 ? h + ':' + String(m).padStart(2, '0') : String(m)) + ':' + String(s).padStart(2, '0');
}

function isLive() {
  return hls ? !endlist && hls.liveSyncPosition != null : !endlist && !isFinite(video.duration);
}

/** The bar, the time and the badge follow the video; the bar does not while it is being dragged. */
function updateControls() {
  // Words, not symbol glyphs: every font has them, and a screen reader reads them as they are.
  playButton.textContent = video.paused ? 'Play' : 'Pause';
  muteButton.textContent = video.muted || video.volume === 0 ? 'Unmute' : 'Mute';
  if (!seeking) volume.value = video.muted ? 0 : video.volume;
  const range = seekableRange();
  seek.disabled = !range || range.end - range.start < 1;
  if (range && !seeking) {
    seek.min = range.start;
    seek.max = range.end;
    seek.value = Math.min(range.end, Math.max(range.start, video.currentTime));
  }
  if (isLive()) {
    const behind = Math.max(0, behindLiveEdge());
    const target = hls && hls.targetLatency ? hls.targetLatency : 3;
    const atLive = behind < target + BEHIND_SECONDS;
    liveBadge.hidden = false;
    liveBadge.classList.toggle('at-live', atLive);
    liveBadge.textContent = atLive ? 'LIVE' : '\u2212' + clock(behind) + ' behind live';
    timeText.textContent = range ? clock(video.currentTime - range.start) + ' / ' + clock(range.end - range.start) : '–';
    seek.setAttribute('aria-valuetext', atLive ? 'live' : clock(behind) + ' behind live');
  } else {
    liveBadge.hidden = true;
    const duration = isFinite(video.duration) ? video.duration : range ? range.end : 0;
    timeText.textContent = clock(video.currentTime) + ' / ' + clock(duration);
    seek.setAttribute('aria-valuetext', clock(video.currentTime) + ' of ' + clock(duration));
  }
}

seek.addEventListener('input', () => { seeking = true; });
seek.addEventListener('change', () => {
  seeking = false;
  video.currentTime = Number(seek.value);
  if (video.paused) play();
});
playButton.addEventListener('click', () => { if (video.paused) play(); else video.pause(); });
muteButton.addEventListener('click', () => { video.muted = !video.muted; });
volume.addEventListener('input', () => {
  video.volume = Number(volume.value);
  video.muted = video.volume === 0;
});
document.getElementById('fullscreen').addEventListener('click', toggleFullscreen);
['play', 'pause', 'volumechange', 'timeupdate', 'durationchange', 'seeked'].forEach(e => video.addEventListener(e, updateControls));

function toggleFullscreen() {
  const stage = document.querySelector('.stage');
  if (document.fullscreenElement) {
    document.exitFullscreen();
  } else if (stage.requestFullscreen) {
    stage.requestFullscreen().catch(() => {});
  } else if (video.webkitEnterFullscreen) {
    video.webkitEnterFullscreen(); // iPhone Safari: only the video itself goes full screen
  }
}

// A hidden tab keeps little buffer and falls behind: back to live when it is seen again.
document.addEventListener('visibilitychange', () => {
  if (document.visibilityState === 'visible' && behindLiveEdge() > BEHIND_SECONDS) jumpToLive();
});

function format(seconds) {
  return seconds == null || !isFinite(seconds) ? '–' : seconds.toFixed(2) + ' s';
}

function updateStats() {
  if (!hls) return;
  const latency = hls.playingDate ? (Date.now() - hls.playingDate.getTime()) / 1000 : null;
  let buffered = null;
  for (let i = 0; i < video.buffered.length; i++) {
    if (video.buffered.start(i) <= video.currentTime && video.currentTime <= video.buffered.end(i)) {
      buffered = video.buffered.end(i) - video.currentTime;
    }
  }
  const level = hls.levels[hls.currentLevel];
  document.getElementById('stat-latency').textContent = format(latency);
  document.getElementById('stat-buffer').textContent = format(buffered);
  document.getElementById('stat-rung').textContent = level
    ? levelName(level) + (hls.autoLevelEnabled ? ' (auto)' : '') : '–';
  document.getElementById('stat-bandwidth').textContent = hls.bandwidthEstimate
    ? (hls.bandwidthEstimate / 1e6).toFixed(1) + ' Mb/s' : '–';
  const target = hls.targetLatency || 3;
  goLive.hidden = !isLive() || behindLiveEdge() < target + BEHIND_SECONDS;
  updateControls();
  // The last frame played and nothing follows: ended, whether or not the browser fired 'ended'.
  // Only at the end of what there is: a seek into a recording also finds nothing buffered for a moment.
  // Chromium may also stop a frame or two short of the end of what is buffered (its tracks end a
  // little apart): standing still there counts too.
  const range = seekableRange();
  const atTheEnd = !range || video.currentTime > range.end - 1.5;
  const standingStill = !video.paused && video.currentTime === lastStatsTime;
  lastStatsTime = video.currentTime;
  const starved = buffered === null || buffered < 0.1 || (standingStill && buffered < 0.5);
  starvedAtEnd = endlist && atTheEnd && starved ? starvedAtEnd + 1 : 0;
  if (starvedAtEnd >= 2) ended();
}
setInterval(updateStats, STATS_MS);

document.getElementById('stats-toggle').addEventListener('click', event => {
  stats.hidden = !stats.hidden;
  event.currentTarget.setAttribute('aria-expanded', String(!stats.hidden));
});

/** Keys a focused control uses itself: a slider its arrows, Home and End; a button its Space; a menu every key. */
function keyForControl(event) {
  if (event.target instanceof HTMLSelectElement) return true;
  if (event.target instanceof HTMLInputElement) return /^(Arrow|Home|End|Page)/.test(event.key);
  return event.key === ' ' && event.target instanceof HTMLButtonElement;
}

document.addEventListener('keydown', event => {
  if (keyForControl(event) || event.ctrlKey || event.metaKey || event.altKey) {
    return;
  }
  switch (event.key) {
    case 'k':
    case ' ':
      event.preventDefault();
      if (video.paused) play(); else video.pause();
      break;
    case 'm':
      video.muted = !video.muted;
      break;
    case 'f':
      toggleFullscreen();
      break;
    case 'l':
      jumpToLive();
      break;
    case 'ArrowLeft':
    case 'ArrowRight': {
      const range = seekableRange();
      if (!range) return;
      event.preventDefault();
      const step = event.key === 'ArrowLeft' ? -10 : 10;
      video.currentTime = Math.min(range.end, Math.max(range.start, video.currentTime + step));
      break;
    }
    default:
  }
});

if (!/^[a-z0-9_-]{1,32}$/.test(channel)) {
  show('offline', 'There is no channel by that name.');
} else {
  waitForLive(0);
}
