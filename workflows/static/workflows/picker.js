// People picker: a type-to-filter box over server-rendered checkboxes/radios (works without it).
(function () {
  function setUp(picker) {
    if (picker.dataset.pickerReady) return;
    picker.dataset.pickerReady = "1";
    var search = picker.querySelector(".hp-picker__search");
    var items = picker.querySelectorAll(".hp-picker__item");
    var empty = picker.querySelector(".hp-picker__empty");
    var count = picker.querySelector("[data-picker-count]");
    if (search && items.length > 6) {
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
  function setUpAll() { document.querySelectorAll("[data-picker]").forEach(setUp); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setUpAll);
  else setUpAll();
  document.addEventListener("turbo:load", setUpAll);
})();
