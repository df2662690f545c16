/* The embedded sociale kaart, inside the iframe. Three optional improvements on a page that works
 * without it: host colours and font from the address, the filter form, and telling the host page
 * how high the content is. It reads nothing but its own page and address, stores nothing and
 * sends one kind of message: { type, hoogte } to the page that embeds it. */
(function () {
  "use strict";

  var root = document.querySelector("[data-sk-embed]");
  if (!root || !window.URLSearchParams) return;
  var params = new URLSearchParams(window.location.search);
  var FILTERS = ["categorie", "doelgroep", "kosten", "toegang"];

  // --- colours and font --------------------------------------------------------------------
  // Strict on purpose: only #rrggbb, and only with a contrast of 4.5:1 or more on our white
  // background, so a host colour can never make the text unreadable (WCAG 1.4.3).
  function luminance(hex) {
    var channels = [1, 3, 5].map(function (i) {
      var c = parseInt(hex.substr(i, 2), 16) / 255;
      return c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
    });
    return 0.2126 * channels[0] + 0.7152 * channels[1] + 0.0722 * channels[2];
  }
  function readableOnWhite(value) {
    if (!/^#[0-9a-fA-F]{6}$/.test(value || "")) return false;
    return 1.05 / (luminance(value) + 0.05) >= 4.5;
  }
  var FONTS = {
    system: 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif',
    sans: '"Helvetica Neue", Helvetica, Arial, sans-serif',
    serif: 'Georgia, "Times New Roman", Times, serif',
  };
  var style = document.documentElement.style;
  if (readableOnWhite(params.get("accent"))) style.setProperty("--sk-accent", params.get("accent"));
  if (readableOnWhite(params.get("tekst"))) style.setProperty("--sk-tekst", params.get("tekst"));
  if (Object.prototype.hasOwnProperty.call(FONTS, params.get("font"))) {
    style.setProperty("--sk-font", FONTS[params.get("font")]);
  }

  // --- filters -----------------------------------------------------------------------------
  var form = root.querySelector("[data-sk-filters]");
  var count = root.querySelector("[data-sk-aantal]");
  var empty = root.querySelector("[data-sk-leeg]");
  var orgs = Array.prototype.slice.call(root.querySelectorAll("[data-sk-org]"));

  function chosen() {
    var values = {};
    FILTERS.forEach(function (name) {
      var field = form.elements[name];
      values[name] = field ? field.value : "";
    });
    return values;
  }

  function matches(item, values) {
    return FILTERS.every(function (name) {
      if (!values[name]) return true;
      return (item.getAttribute("data-" + name) || "").split(" ").indexOf(values[name]) !== -1;
    });
  }

  function apply() {
    var values = chosen();
    var shown = 0;
    orgs.forEach(function (org) {
      var any = false;
      org.querySelectorAll("[data-sk-dienst]").forEach(function (service) {
        var ok = matches(service, values);
        service.hidden = !ok;
        any = any || ok;
      });
      org.hidden = !any;
      if (any) shown += 1;
    });
    count.textContent = shown + (shown === 1 ? " organisatie" : " organisaties");
    empty.hidden = shown > 0;
  }

  // On a categorie page the list holds only that categorie; its own value is the page itself.
  var pageCategorie = form ? form.getAttribute("data-categorie") : "";

  function query(values) {
    // The filters in the address (for reload and sharing), next to colour and font.
    var next = new URLSearchParams(window.location.search);
    FILTERS.forEach(function (name) {
      if (values[name] && !(name === "categorie" && pageCategorie)) {
        next.set(name, values[name]);
      } else {
        next.delete(name);
      }
    });
    var text = next.toString();
    return text ? "?" + text : "";
  }

  function remember() {
    if (window.history && history.replaceState) {
      history.replaceState(null, "", window.location.pathname + query(chosen()));
    }
  }

  function openCategorie(code) {
    // Another categorie than this page's: open its pre-rendered page, keeping the other choices.
    var values = chosen();
    values.categorie = "";
    var base = form.getAttribute("data-alle");
    window.location.href = base + (code ? encodeURIComponent(code) + "/" : "") + query(values);
  }

  if (form) {
    FILTERS.forEach(function (name) {
      var field = form.elements[name];
      var wanted = params.get(name);
      if (!field || !wanted || (name === "categorie" && pageCategorie)) return;
      // Only a value that is one of the options; anything else is ignored.
      for (var i = 0; i < field.options.length; i += 1) {
        if (field.options[i].value === wanted) field.value = wanted;
      }
    });
    var links = root.querySelector("[data-sk-soorten]");
    if (links) links.hidden = true;
    form.hidden = false;
    form.addEventListener("change", function (event) {
      if (pageCategorie && event.target.name === "categorie") {
        if (event.target.value !== pageCategorie) openCategorie(event.target.value);
        return;
      }
      apply();
      remember();
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (pageCategorie && form.elements.categorie.value !== pageCategorie) {
        openCategorie(form.elements.categorie.value);
        return;
      }
      apply();
      remember();
    });
    form.addEventListener("reset", function (event) {
      // 'Alles tonen' means every kind of help: on a categorie page that is another page.
      if (pageCategorie) {
        event.preventDefault();
        FILTERS.forEach(function (name) {
          form.elements[name].value = "";
        });
        openCategorie("");
        return;
      }
      // After the browser has reset the fields.
      window.setTimeout(function () {
        apply();
        remember();
      }, 0);
    });
    apply();
  }

  // --- height for the host page ------------------------------------------------------------
  if (window.parent === window || !window.parent.postMessage) return;
  // Post only to the page that embeds us: its origin, from the browser where it can tell us.
  var host = "";
  if (window.location.ancestorOrigins && window.location.ancestorOrigins.length) {
    host = window.location.ancestorOrigins[0];
  } else if (document.referrer) {
    try {
      host = new URL(document.referrer).origin;
    } catch (error) {
      host = "";
    }
  }
  if (!host || host === "null") return;
  var type = root.getAttribute("data-bericht");
  var last = 0;
  function report() {
    var height = Math.ceil(document.body.getBoundingClientRect().height);
    if (height === last) return;
    last = height;
    window.parent.postMessage({ type: type, hoogte: height }, host);
  }
  if (window.ResizeObserver) {
    new ResizeObserver(report).observe(document.body);
  }
  window.addEventListener("load", report);
  // The host script may start after our first message; say it once more a little later.
  window.setTimeout(function () {
    last = 0;
    report();
  }, 1000);
  report();
})();
