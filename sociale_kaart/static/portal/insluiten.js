/* Sociale kaart, 'Insluiten op uw website': builds the copy-paste code for the chosen gemeente and
 * soort hulp. Without JavaScript the page shows ready code for every gemeente. The code comes from
 * one template in the page (data-sjabloon), the same one the build uses for the ready code. */
(function () {
  "use strict";

  var box = document.querySelector("[data-sk-insluiten]");
  if (!box) return;
  var template = box.getAttribute("data-sjabloon");
  var gemeente = box.querySelector("#sk-in-gemeente");
  var categorie = box.querySelector("#sk-in-categorie");
  var output = box.querySelector("#sk-in-code");
  var copy = box.querySelector("[data-sk-kopieer]");
  var status = box.querySelector("[data-sk-gekopieerd]");

  function escape(text) {
    return String(text)
      .replace(/&/g, "&amp;")
      .replace(/</g, "&lt;")
      .replace(/>/g, "&gt;")
      .replace(/"/g, "&quot;")
      .replace(/'/g, "&#x27;");
  }

  function build() {
    var g = gemeente.options[gemeente.selectedIndex];
    var c = categorie.options[categorie.selectedIndex];
    var values;
    if (c.value) {
      var what = c.text.toLowerCase();
      values = {
        __SRC__: g.getAttribute("data-src") + c.value + "/",
        __TITLE__: "Sociale kaart: " + what + " in " + g.text,
        __HREF__: c.getAttribute("data-href") + "#" + g.value,
        __TEXT__: "Bekijk " + what + " in " + g.text + " op de sociale kaart",
      };
    } else {
      values = {
        __SRC__: g.getAttribute("data-src"),
        __TITLE__: g.getAttribute("data-title"),
        __HREF__: g.getAttribute("data-href"),
        __TEXT__: g.getAttribute("data-text"),
      };
    }
    output.value = template.replace(/__(SRC|TITLE|HREF|TEXT)__/g, function (key) {
      return escape(values[key]);
    });
    status.textContent = "";
  }

  gemeente.addEventListener("change", build);
  categorie.addEventListener("change", build);
  copy.addEventListener("click", function () {
    var done = function () {
      status.textContent = "De code is gekopieerd. Plak hem in uw pagina.";
    };
    var manual = function () {
      output.focus();
      output.select();
      status.textContent = "Kopiëren lukte niet vanzelf. De code is geselecteerd: kopieer hem met Ctrl+C.";
    };
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(output.value).then(done, manual);
    } else {
      manual();
    }
  });
  box.hidden = false;
  build();
})();
