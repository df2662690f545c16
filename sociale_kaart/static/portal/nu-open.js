/* Sociale kaart, organisation page: the line "Nu open tot 17:00" above an opening-hours table.
 * The page carries the opening intervals of the coming weeks as exact instants, worked out at
 * build time (holidays, exceptions and summer time included), so this script only compares
 * them with the visitor's clock. Without JavaScript, or past the end of the data, the line stays
 * hidden and the weekly table remains. */
(function () {
  "use strict";

  var lines = document.querySelectorAll("[data-sk-open]");
  if (!lines.length || !window.Intl || !Intl.DateTimeFormat) return;
  var ZONE = "Europe/Amsterdam";
  var DAY = 24 * 60 * 60 * 1000;
  var clock;
  var dateKey;
  var weekday;
  try {
    clock = new Intl.DateTimeFormat("nl-NL", { timeZone: ZONE, hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
    dateKey = new Intl.DateTimeFormat("en-GB", { timeZone: ZONE, year: "numeric", month: "2-digit", day: "2-digit" });
    weekday = new Intl.DateTimeFormat("nl-NL", { timeZone: ZONE, weekday: "long" });
  } catch (error) {
    return; // a browser without time zones: the table is enough
  }
  if (!dateKey.formatToParts) return;

  function dayNumber(moment) {
    // The Amsterdam calendar date of an instant, as a day count (for differences only).
    var parts = {};
    dateKey.formatToParts(moment).forEach(function (part) {
      parts[part.type] = Number(part.value);
    });
    return Date.UTC(parts.year, parts.month - 1, parts.day) / DAY;
  }

  function daysBetween(a, b) {
    return Math.round(dayNumber(b) - dayNumber(a));
  }

  function when(now, moment) {
    var days = daysBetween(now, moment);
    if (days === 0) return "vandaag";
    if (days === 1) return "morgen";
    return "op " + weekday.format(moment);
  }

  function label(data, now) {
    var intervals = data.open;
    for (var i = 0; i < intervals.length; i += 1) {
      var start = intervals[i][0];
      var end = intervals[i][1];
      if (start <= now && now < end) {
        // Opening that runs on past midnight: follow the next block that starts when this ends.
        var j = i;
        while (j + 1 < intervals.length && intervals[j + 1][0] === end) {
          j += 1;
          end = intervals[j][1];
        }
        var time = clock.format(end);
        var days = daysBetween(now, end);
        if (days === 0) return "Nu open tot " + time;
        if (days === 1 && time === "00:00") return "Nu open tot 24:00";
        return "Nu open tot " + when(now, end).replace(/^op /, "") + " " + time;
      }
      if (start > now) {
        if (daysBetween(now, start) >= 7) return "Nu gesloten";
        var phrase = when(now, start);
        var verb = phrase.indexOf("op ") === 0 ? "gaat open " + phrase : "gaat " + phrase + " open";
        return "Nu gesloten · " + verb + " om " + clock.format(start);
      }
    }
    return "Nu gesloten";
  }

  var now = Date.now();
  for (var k = 0; k < lines.length; k += 1) {
    var data;
    try {
      data = JSON.parse(lines[k].getAttribute("data-sk-open"));
    } catch (error) {
      continue;
    }
    // Outside the days the data covers we cannot tell: say nothing rather than something wrong.
    if (!data || !data.open || now < data.van || now >= data.tot) continue;
    var text = label(data, now);
    lines[k].textContent = text;
    lines[k].className += text.indexOf("Nu open") === 0 ? " sk-nu--open" : " sk-nu--dicht";
    lines[k].hidden = false;
  }
})();
