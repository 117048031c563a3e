/* Renja: echo a Rupiah input (input[data-rupiah]) as "Rp1.300.000.000" while it is typed, to catch a stray zero.
   It reads what the server reads (renja.services.parse_rupiah): 1.300.000.000, 1300000000, Rp1.300.000.000,
   Rp1.300.000.000,- / ,00, 1,3 M, 250 jt. Without this script the form works the same; the saved row shows the amount.
   Messages come from the input's data attributes (translated on the server). */
(function () {
  "use strict";
  var SCALES = {rb: 3, ribu: 3, jt: 6, juta: 6, M: 9, miliar: 9, milyar: 9, T: 12, triliun: 12};
  var THOUSANDS = /^\d{1,3}(\.\d{3})+$/;
  var SHORT = /^(\d{1,3}(?:\.\d{3})+|\d+)(?:,(\d+))?([A-Za-z]+)$/;

  function digitsOf(text) {
    text = text.replace(/,(0{1,2}|-)$/, "");
    if (THOUSANDS.test(text)) { return text.replace(/\./g, ""); }
    if (/^\d+$/.test(text)) { return text; }
    var m = SHORT.exec(text);
    if (!m) { return null; }
    var unit = m[3].length === 1 ? m[3] : m[3].toLowerCase();
    var zeros = Object.prototype.hasOwnProperty.call(SCALES, unit) ? SCALES[unit] : null;
    var fraction = m[2] || "";
    if (zeros === null || /[1-9]/.test(fraction.slice(zeros))) { return null; }
    while (fraction.length < zeros) { fraction += "0"; }
    return m[1].replace(/\./g, "") + fraction.slice(0, zeros);
  }

  /* The amount as a string of digits, or null when it is not whole, non-negative Rupiah. */
  function parse(value) {
    var text = value.replace(/\s/g, "").replace(/^rp\.?/i, "");
    return text.charAt(0) === "-" ? null : digitsOf(text);
  }

  function withDots(digits) {
    digits = digits.replace(/^0+(?=\d)/, "");
    return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ".");
  }

  function tooBig(digits, max) {
    digits = digits.replace(/^0+(?=\d)/, "");
    return digits.length > max.length || (digits.length === max.length && digits > max);
  }

  document.querySelectorAll("input[data-rupiah]").forEach(function (input) {
    var echo = document.createElement("output");
    echo.className = "rupiah-echo";
    echo.id = input.id + "_rupiah";
    echo.htmlFor = input.id;
    input.insertAdjacentElement("afterend", echo);
    input.setAttribute("aria-describedby", ((input.getAttribute("aria-describedby") || "") + " " + echo.id).trim());

    function update() {
      var value = input.value.trim();
      var digits = value ? parse(value) : "";
      var max = input.getAttribute("data-rupiah-max") || "";
      var bad = digits === null || (digits && max && tooBig(digits, max));
      echo.classList.toggle("invalid", !!bad);
      if (!value) {
        echo.textContent = "";
      } else if (digits === null) {
        echo.textContent = input.getAttribute("data-rupiah");
      } else if (bad) {
        echo.textContent = input.getAttribute("data-rupiah-too-big");
      } else {
        echo.textContent = "Rp" + withDots(digits);
      }
    }
    input.addEventListener("input", update);
    update();
  });
}());
