// People picker: a type-to-filter box over server-rendered checkboxes/radios (works without it), or, for
// long lists (`data-search-url`), a search box asking the server for people by name.
(function () {
  function setUp(picker) {
    if (picker.dataset.pickerReady) return;
    picker.dataset.pickerReady = "1";
    var search = picker.querySelector(".hp-picker__search");
    var items = picker.querySelectorAll(".hp-picker__item");
    var empty = picker.querySelector(".hp-picker__empty");
    var count = picker.querySelector("[data-picker-count]");
    if (search && picker.dataset.searchUrl) {
      setUpSearch(picker, search, empty);
    } else if (search && items.length > 6) {
      search.hidden = false;
      search.addEventListener("input", function () {
        var words = search.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
        var shown = 0;
        items.forEach(function (item) {
          var text = (item.dataset.search || item.textContent).toLowerCase();
          var checked = item.querySelector("input:checked");
          var match = words.every(function (w) { return text.indexOf(w) !== -1; });
          item.hidden = !(match || checked);  // never hide someone already picked
          if (!item.hidden) shown += 1;
        });
        if (empty) empty.hidden = shown > 0;
      });
      search.addEventListener("keydown", function (event) {
        if (event.key === "Enter") event.preventDefault();  // Enter filters, it does not submit
      });
    }
    if (count) {
      picker.addEventListener("change", function () {
        count.textContent = picker.querySelectorAll("input[type=checkbox]:checked").length;
      });
    }
  }
  // Too many people to list: ask the server as the user types; keep whoever is already ticked.
  function setUpSearch(picker, search, empty) {
    var list = picker.querySelector(".hp-picker__list");
    var hint = picker.querySelector("[data-picker-hint]");
    var none = list.querySelector(".hp-picker__item--none");
    var timer = null, serial = 0;
    search.hidden = false;
    function item(person) {
      var id = picker.id + "_p" + person.id;
      var li = document.createElement("li");
      li.className = "hp-picker__item";
      var label = document.createElement("label");
      label.htmlFor = id;
      var input = document.createElement("input");
      input.type = picker.dataset.multiple ? "checkbox" : "radio";
      input.name = picker.dataset.name;
      input.value = person.id;
      input.id = id;
      var span = document.createElement("span");
      span.textContent = person.label;
      label.append(input, " ", span);
      li.append(label);
      return li;
    }
    function show(results) {
      list.querySelectorAll(".hp-picker__item").forEach(function (li) {
        if (li !== none && !li.querySelector("input:checked")) li.remove();
      });
      var present = {};
      list.querySelectorAll("input").forEach(function (input) { present[input.value] = true; });
      results.forEach(function (person) {
        if (!present[String(person.id)]) list.insertBefore(item(person), none);
      });
      if (empty) empty.hidden = results.length > 0 || !search.value.trim();
      if (hint) hint.hidden = !!search.value.trim();
    }
    function ask() {
      var text = search.value.trim();
      if (!text) { show([]); return; }
      var mine = ++serial;
      fetch(picker.dataset.searchUrl + "&q=" + encodeURIComponent(text), {credentials: "same-origin",
                                                                            headers: {"Accept": "application/json"}})
        .then(function (response) { return response.ok ? response.json() : {results: []}; })
        .then(function (data) { if (mine === serial) show(data.results || []); })
        .catch(function () { if (mine === serial) show([]); });
    }
    search.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(ask, 250);
    });
    search.addEventListener("keydown", function (event) {
      if (event.key === "Enter") { event.preventDefault(); clearTimeout(timer); ask(); }
    });
  }
  function setUpAll() { document.querySelectorAll("[data-picker]").forEach(setUp); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setUpAll);
  else setUpAll();
  document.addEventListener("turbo:load", setUpAll);
})();
