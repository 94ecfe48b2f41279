// The time axis' ticks: the finest calendar step that leaves room for a label, generated
// only for the visible stretch (so any zoom level costs a few dozen elements).

const DAY = 86400000;
const STEPS = [
  { days: 1 },
  { days: 7 },
  { months: 1 },
  { months: 3 },
  { months: 6 },
  { months: 12 },
  { months: 24 },
  { months: 60 },
  { months: 120 },
];
const MONTH = new Intl.DateTimeFormat("en-GB", { month: "short", timeZone: "UTC" });
const DAY_MONTH = new Intl.DateTimeFormat("en-GB", {
  day: "numeric",
  month: "short",
  timeZone: "UTC",
});

const approx = (step) => (step.days ? step.days * DAY : step.months * 30.44 * DAY);

// Ticks [{at (ms), label, major}] between `from` and `to` (ms), at least `gap` px apart
// when one ms is `pxPerMs` px wide.
export function ticks(from, to, pxPerMs, gap = 60) {
  const step = STEPS.find((s) => approx(s) * pxPerMs >= gap) ?? STEPS[STEPS.length - 1];
  const out = [];
  if (step.days) {
    const start = new Date(from);
    let at = Date.UTC(start.getUTCFullYear(), start.getUTCMonth(), start.getUTCDate());
    if (step.days === 7) at -= ((new Date(at).getUTCDay() + 6) % 7) * DAY; // Mondays
    for (; at <= to; at += step.days * DAY) {
      if (at < from) continue;
      const date = new Date(at);
      const major = date.getUTCDate() === 1 || (step.days === 7 && date.getUTCDate() <= 7);
      const label = DAY_MONTH.format(at) + (major && date.getUTCMonth() === 0 ? ` ${date.getUTCFullYear()}` : "");
      out.push({ at, label, major });
    }
    return out;
  }
  const first = new Date(from);
  let index = first.getUTCFullYear() * 12 + first.getUTCMonth();
  index -= index % step.months;
  for (;; index += step.months) {
    const at = Date.UTC(Math.floor(index / 12), index % 12, 1);
    if (at > to) break;
    if (at < from) continue;
    const month = index % 12;
    const year = Math.floor(index / 12);
    const label = step.months >= 12 || month === 0 ? String(year) : MONTH.format(at);
    out.push({ at, label, major: month === 0 });
  }
  return out;
}
