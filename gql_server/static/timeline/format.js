// Dates and durations as the page writes them (UTC, like the API).

const DAY = 86400000;
const DATE_TIME = new Intl.DateTimeFormat("en-GB", {
  day: "numeric",
  month: "short",
  year: "numeric",
  hour: "2-digit",
  minute: "2-digit",
  timeZone: "UTC",
  timeZoneName: "short",
});

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

// "16 Mar 2025", as Intl's en-GB would write it, by hand: each of 10,000 bars needs one
// or two, and this is about ten times faster than DateTimeFormat.format.
export function formatDate(ms) {
  const date = new Date(ms);
  return `${date.getUTCDate()} ${MONTHS[date.getUTCMonth()]} ${date.getUTCFullYear()}`;
}
export const formatDateTime = (ms) => DATE_TIME.format(ms);

// 145 d 15 h 23 min; 0 min for an instant (Chang'e 6's docking has no duration).
export function formatDuration(seconds) {
  const total = Math.max(0, Math.floor(seconds / 60));
  const days = Math.floor(total / 1440);
  const hours = Math.floor((total % 1440) / 60);
  const minutes = total % 60;
  const parts = [];
  if (days) parts.push(`${days.toLocaleString("en")} d`);
  if (hours) parts.push(`${hours} h`);
  if (minutes || parts.length === 0) parts.push(`${minutes} min`);
  return parts.join(" ");
}

// Whole days from `from` to `to`, for "since ... (42 d)".
export const daysBetween = (from, to) => Math.max(0, Math.floor((to - from) / DAY));
