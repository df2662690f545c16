/* Sociale kaart, overview page: instant search and filters over one small JSON file per gemeente.
 * The page works without this script: it lists every organisation and links to a list per
 * gemeente and per soort hulp. The script shows the (hidden) search form, keeps the choices in
 * the address so a search can be shared, and builds the results with textContent only, so text
 * from the data can never become markup. */
(function () {
  "use strict";

  var box = document.querySelector("[data-sk-zoeker]");
  if (!box || !window.fetch || !window.URLSearchParams || !window.Promise) return;
  var form = box.querySelector("form");
  var list = box.querySelector("[data-sk-resultaten]");
  var count = box.querySelector("[data-sk-aantal]");
  var dataBase = box.getAttribute("data-gegevens");
  var siteRoot = box.getAttribute("data-basis");
  var FIELDS = ["gemeente", "categorie", "doelgroep", "kosten", "toegang"];
  // A long page of results helps nobody (and is slow on old phones): ask to narrow it down.
  var MAX_SHOWN = 100;
  var cache = {};
  var latest = 0;
  var timer = null;

  function optionNames(select) {
    var names = {};
    for (var i = 0; i < select.options.length; i += 1) {
      names[select.options[i].value] = select.options[i].text;
    }
    return names;
  }
  var categoryNames = optionNames(form.elements.categorie);
  var costNames = optionNames(form.elements.kosten);
  var gemeenten = [];
  for (var i = 0; i < form.elements.gemeente.options.length; i += 1) {
    var value = form.elements.gemeente.options[i].value;
    if (value) gemeenten.push(value);
  }

  function load(slug) {
    if (!cache[slug]) {
      cache[slug] = fetch(dataBase + encodeURIComponent(slug) + ".json").then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.json();
      });
    }
    return cache[slug];
  }

  function plain(text) {
    // Lower case without accents, so 'clientondersteuning' finds 'Cliëntondersteuning'.
    return String(text || "")
      .toLowerCase()
      .normalize("NFD")
      .replace(/[\u0300-\u036f]/g, "");
  }

  function chosen() {
    var values = {};
    FIELDS.forEach(function (name) {
      values[name] = form.elements[name].value;
    });
    values.q = form.elements.q.value.trim();
    return values;
  }

  function serviceMatches(service, values) {
    var cats = (service.categorieen || []).concat(service.filter || []);
    if (values.categorie && cats.indexOf(values.categorie) === -1) return false;
    if (values.doelgroep && (service.doelgroepen || []).indexOf(values.doelgroep) === -1) {
      return false;
    }
    if (values.kosten && service.kosten !== values.kosten) return false;
    if (values.toegang && service.toegang !== values.toegang) return false;
    return true;
  }

  function searchText(org) {
    var parts = [org.naam, org.tekst].concat(org.plaatsen || []);
    (org.diensten || []).forEach(function (service) {
      parts.push(service.naam);
      (service.categorieen || []).forEach(function (code) {
        parts.push(categoryNames[code]);
      });
    });
    return plain(parts.join(" "));
  }

  function element(tag, text, className) {
    var node = document.createElement(tag);
    if (text) node.textContent = text;
    if (className) node.className = className;
    return node;
  }

  function item(org, services) {
    var li = element("li", "", "sk-resultaat");
    var title = element("p", "", "sk-resultaat__naam");
    var anchor = element("a", org.naam);
    anchor.href = siteRoot + org.pagina;
    var strong = element("strong");
    strong.appendChild(anchor);
    title.appendChild(strong);
    li.appendChild(title);
    li.appendChild(element("p", org.tekst));
    var cats = [];
    var costs = [];
    services.forEach(function (service) {
      (service.categorieen || []).forEach(function (code) {
        if (cats.indexOf(categoryNames[code] || code) === -1) cats.push(categoryNames[code] || code);
      });
      if (service.kosten && costs.indexOf(costNames[service.kosten]) === -1) {
        costs.push(costNames[service.kosten] || service.kosten);
      }
    });
    var facts = [cats.join(", ")];
    if (costs.length) facts.push(costs.join(", "));
    if (org.plaatsen && org.plaatsen.length) facts.push(org.plaatsen.join(", "));
    var small = element("small", facts.join(" · "));
    var meta = element("p");
    meta.appendChild(small);
    li.appendChild(meta);
    return li;
  }

  function show(datasets, values) {
    var seen = {};
    var found = [];
    var words = plain(values.q).split(/\s+/).filter(Boolean);
    datasets.forEach(function (data) {
      (data.organisaties || []).forEach(function (org) {
        if (seen[org.pagina]) return;
        seen[org.pagina] = true;
        var services = (org.diensten || []).filter(function (service) {
          return serviceMatches(service, values);
        });
        if (!services.length) return;
        var text = searchText(org);
        if (words.some(function (word) { return text.indexOf(word) === -1; })) return;
        found.push({ org: org, services: services });
      });
    });
    found.sort(function (a, b) {
      return a.org.naam.localeCompare(b.org.naam, "nl");
    });
    list.textContent = "";
    found.slice(0, MAX_SHOWN).forEach(function (hit) {
      list.appendChild(item(hit.org, hit.services));
    });
    if (found.length === 0) {
      count.textContent = "Geen organisaties gevonden. Kies minder filters of een ander woord.";
    } else if (found.length > MAX_SHOWN) {
      count.textContent = found.length + " organisaties gevonden. U ziet de eerste " + MAX_SHOWN +
        ". Kies een gemeente of soort hulp, of zoek op een woord.";
    } else {
      count.textContent = found.length + (found.length === 1 ? " organisatie gevonden." : " organisaties gevonden.");
    }
  }

  function remember(values) {
    var params = new URLSearchParams();
    FIELDS.concat(["q"]).forEach(function (name) {
      if (values[name]) params.set(name, values[name]);
    });
    var query = params.toString();
    if (window.history && history.replaceState) {
      history.replaceState(null, "", window.location.pathname + (query ? "?" + query : "") + window.location.hash);
    }
  }

  function update() {
    var values = chosen();
    var ticket = (latest += 1);
    remember(values);
    var slugs = values.gemeente ? [values.gemeente] : gemeenten;
    Promise.all(slugs.map(load))
      .then(function (datasets) {
        // A slower answer to an older question must not overwrite a newer one.
        if (ticket === latest) show(datasets, values);
      })
      .catch(function () {
        if (ticket === latest) {
          list.textContent = "";
          count.textContent = "Zoeken lukt nu niet. Kies hieronder uw gemeente of een soort hulp.";
        }
      });
  }

  // Start from the address (?gemeente=…&categorie=…&q=…), accepting only known options.
  var params = new URLSearchParams(window.location.search);
  FIELDS.forEach(function (name) {
    var field = form.elements[name];
    var wanted = params.get(name);
    if (!wanted) return;
    for (var j = 0; j < field.options.length; j += 1) {
      if (field.options[j].value === wanted) field.value = wanted;
    }
  });
  form.elements.q.value = (params.get("q") || "").slice(0, 100);

  form.addEventListener("change", update);
  form.addEventListener("input", function (event) {
    if (event.target !== form.elements.q) return;
    window.clearTimeout(timer);
    // Wait for a pause in typing, so a screen reader does not read out every letter's result.
    timer = window.setTimeout(update, 250);
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    update();
  });

  // The full list below is the version without JavaScript; the results replace it.
  var all = document.getElementById("alle-organisaties");
  if (all) {
    all.hidden = true;
    if (all.nextElementSibling) all.nextElementSibling.hidden = true;
  }
  box.hidden = false;
  update();
})();
