// Past broadcasts as cards (thumbnail, channel, date, length), for the directory and the watch page.
'use strict';

/** 3725 s -> "1:02:05". */
function formatLength(seconds) {
  const total = Math.max(0, Math.round(seconds || 0));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  return (h > 0 ? h + ':' + String(m).padStart(2, '0') : String(m)) + ':' + String(s).padStart(2, '0');
}

/** The watch page of a recording: its channel's page, told which recording. */
function recordingHref(recording, tokenPrefix) {
  return (tokenPrefix || '') + '/watch/' + encodeURIComponent(recording.channel) + '?recording=' + encodeURIComponent(recording.id);
}

function recordingCard(recording, tokenPrefix) {
  const item = document.createElement('li');
  item.className = 'channel recording';
  item.dataset.recording = recording.id;
  const link = document.createElement('a');
  link.href = recordingHref(recording, tokenPrefix);
  const img = document.createElement('img');
  img.alt = 'Picture of ' + recording.channel + "'s broadcast";
  img.width = 320;
  img.height = 180;
  img.loading = 'lazy';
  if (recording.thumbnail) img.src = (tokenPrefix || '') + recording.thumbnail;
  const name = document.createElement('span');
  name.className = 'name';
  name.textContent = recording.channel;
  const details = document.createElement('span');
  details.className = 'details';
  const started = new Date(recording.startedAt);
  details.textContent = started.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' }) + ' · '
    + (recording.endedAt ? formatLength(recording.durationSeconds) : 'live now, ' + formatLength(recording.durationSeconds) + ' so far');
  link.append(img, name, details);
  item.append(link);
  return item;
}
