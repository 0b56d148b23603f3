// Reads an iCalendar file with ical.js (Mozilla Thunderbird's parser) and prints what a calendar
// program would see, as JSON: the calendar's properties, and each VEVENT with its times in UTC.
// Usage: node parse.mjs < feed.ics
import ICAL from "ical.js";

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const text = Buffer.concat(chunks).toString("utf8");

// Register every VTIMEZONE first, so that TZID times resolve to the zone the feed describes
// (and not to a zone ical.js might know by name from elsewhere).
const first = new ICAL.Component(ICAL.parse(text));
const zones = first.getAllSubcomponents("vtimezone").map((vtimezone) => {
  const zone = new ICAL.Timezone(vtimezone);
  ICAL.TimezoneService.register(zone, zone.tzid);
  return zone.tzid;
});

const calendar = new ICAL.Component(ICAL.parse(text));
const iso = (time) => (time ? time.toJSDate().toISOString() : null);
const value = (component, name) => {
  const found = component.getFirstPropertyValue(name);
  return found === null || found === undefined ? null : found.toString();
};

const events = calendar.getAllSubcomponents("vevent").map((vevent) => {
  const event = new ICAL.Event(vevent);
  const start = vevent.getFirstProperty("dtstart");
  const organizer = vevent.getFirstProperty("organizer");
  const geo = vevent.getFirstPropertyValue("geo");
  return {
    uid: event.uid,
    summary: event.summary,
    description: event.description,
    location: event.location,
    status: value(vevent, "status"),
    sequence: event.sequence,
    url: value(vevent, "url"),
    geo: geo ? geo.map(Number) : null,
    organizer: organizer ? { value: organizer.getFirstValue(), cn: organizer.getParameter("cn") } : null,
    categories: vevent.getAllProperties("categories").flatMap((prop) => prop.getValues()),
    all_day: event.startDate.isDate,
    tzid: start.getParameter("tzid") || null,
    start: event.startDate.isDate ? event.startDate.toString() : iso(event.startDate.convertToZone(ICAL.Timezone.utcTimezone)),
    end: event.endDate.isDate ? event.endDate.toString() : iso(event.endDate.convertToZone(ICAL.Timezone.utcTimezone)),
    dtstamp: iso(vevent.getFirstPropertyValue("dtstamp")),
    last_modified: iso(vevent.getFirstPropertyValue("last-modified")),
    related_to: value(vevent, "related-to"),
  };
});

process.stdout.write(
  JSON.stringify({
    name: value(calendar, "name"),
    x_wr_calname: value(calendar, "x-wr-calname"),
    refresh_interval: value(calendar, "refresh-interval"),
    method: value(calendar, "method"),
    timezones: zones,
    events,
  }),
);
