/* Renja: the location picker ([data-lokasi-picker], drawn by renja.widgets.LokasiPicker) made quicker to use.
   Adds a filter box that hides the places that do not match (a kecamatan's name shows its whole group) and a live
   list of the chosen places, each with a button to untick it. Without this script the checkboxes work the same.
   Messages come from the picker's data attributes (translated on the server). */
(function () {
  "use strict";

  function norm(text) {
    return text.toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/\s+/g, " ").trim();
  }

  function placeName(box) {
    var node = box.nextSibling;
    return node ? node.textContent.trim() : box.value;
  }

  function setUp(picker) {
    var say = picker.dataset;
    var groups = Array.prototype.slice.call(picker.querySelectorAll("details.lokasi-kec"));

    var tools = document.createElement("div");
    tools.className = "lokasi-tools";
    var label = document.createElement("label");
    label.htmlFor = picker.id + "_cari";
    label.textContent = say.cari;
    var filter = document.createElement("input");
    filter.type = "search";
    filter.id = picker.id + "_cari";
    filter.autocomplete = "off";
    filter.setAttribute("aria-controls", picker.id);
    var status = document.createElement("p");
    status.className = "lokasi-status";
    status.setAttribute("role", "status");
    tools.appendChild(label);
    tools.appendChild(filter);
    tools.appendChild(status);

    var chosen = document.createElement("div");
    chosen.className = "lokasi-chosen";
    var heading = document.createElement("p");
    heading.id = picker.id + "_dipilih";
    var list = document.createElement("ul");
    list.setAttribute("aria-labelledby", heading.id);
    chosen.appendChild(heading);
    chosen.appendChild(list);

    picker.insertBefore(chosen, picker.firstChild);
    picker.insertBefore(tools, picker.firstChild);  /* both above the scrolling list of places */

    function showChosen() {
      var boxes = picker.querySelectorAll("details input[type=checkbox]:checked");
      list.textContent = "";
      heading.textContent = boxes.length ? say.dipilih + " (" + boxes.length + ")" : say.kosong;
      boxes.forEach(function (box) {
        var group = box.closest("details");
        var kecamatan = group.querySelector("summary").firstChild.textContent.trim();
        var name = placeName(box);
        var item = document.createElement("li");
        item.appendChild(document.createTextNode(name + (box.closest("li") === group.querySelector("li") ? "" : " (" + kecamatan + ")") + " "));
        var remove = document.createElement("button");
        remove.type = "button";
        remove.className = "small secondary";
        remove.textContent = say.hapus;
        remove.setAttribute("aria-label", say.hapus + " " + name);
        remove.addEventListener("click", function () {
          box.checked = false;
          box.dispatchEvent(new Event("change", {bubbles: true}));
          filter.focus();
        });
        item.appendChild(remove);
        list.appendChild(item);
      });
      groups.forEach(function (group) {
        var n = group.querySelectorAll("input[type=checkbox]:checked").length;
        group.querySelector(".lokasi-n").textContent = n ? say.nDipilih.replace("{n}", n) : "";
      });
    }

    function applyFilter() {
      var query = norm(filter.value);
      var shown = 0;
      groups.forEach(function (group) {
        var kecamatan = norm(group.querySelector("summary").firstChild.textContent);
        var whole = query !== "" && kecamatan.indexOf(query) !== -1;
        var any = false;
        group.querySelectorAll("li").forEach(function (item) {
          var match = query === "" || whole || norm(item.textContent).indexOf(query) !== -1;
          item.hidden = !match;
          if (match) { any = true; shown += 1; }
        });
        group.hidden = !any;
        group.open = query === "" ? group.querySelector("input:checked") !== null : any;
      });
      status.textContent = query === "" ? "" : (shown ? say.cocok.replace("{n}", shown) : say.takCocok);
    }

    filter.addEventListener("input", applyFilter);
    filter.addEventListener("keydown", function (event) {
      if (event.key === "Enter") { event.preventDefault(); }  /* a search box, not the form's submit */
    });
    picker.addEventListener("change", showChosen);
    showChosen();
  }

  document.querySelectorAll("[data-lokasi-picker]").forEach(setUp);
}());
