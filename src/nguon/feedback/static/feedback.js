/* The report form (gui-phan-anh), on top of a form that works without it: the «use my
   position» button fills latitude and longitude from the phone (navigator.geolocation);
   the commune list narrows as one types its name without diacritics; more than the allowed
   photos are refused before sending; after a refusal the summary of errors takes the focus.
   Its messages come translated from the page (data-* attributes). */
(function () {
  "use strict";

  function fold(text) {
    return text.toLowerCase().replace(/đ/g, "d").normalize("NFD").replace(/[\u0300-\u036f]/g, "");
  }

  function locate() {
    var button = document.getElementById("nguon-feedback-locate");
    var status = document.getElementById("nguon-feedback-locate-status");
    if (!button || !navigator.geolocation) { return; }
    button.hidden = false;
    button.addEventListener("click", function () {
      status.textContent = button.dataset.waiting;
      navigator.geolocation.getCurrentPosition(function (position) {
        document.getElementById("nguon-feedback-lat").value = position.coords.latitude.toFixed(6);
        document.getElementById("nguon-feedback-lon").value = position.coords.longitude.toFixed(6);
        status.textContent = button.dataset.done.replace("${metres}", Math.round(position.coords.accuracy));
      }, function () {
        status.textContent = button.dataset.failed;
      }, {enableHighAccuracy: true, timeout: 20000, maximumAge: 60000});
    });
  }

  function narrow() {
    var box = document.getElementById("nguon-feedback-q");
    var select = document.getElementById("nguon-feedback-place");
    if (!box || !select || select.options.length < 2) { return; }
    var all = Array.prototype.slice.call(select.options, 1).map(function (option) {
      return {option: option, words: fold(option.textContent)};
    });
    box.addEventListener("input", function () {
      var wanted = fold(box.value).split(/\s+/).filter(Boolean);
      var chosen = select.value;
      all.forEach(function (entry) {
        var shown = wanted.every(function (word) { return entry.words.indexOf(word) >= 0; });
        if (shown || entry.option.value === chosen) {
          select.appendChild(entry.option);
        } else if (entry.option.parentNode) {
          entry.option.parentNode.removeChild(entry.option);
        }
      });
    });
  }

  function photos() {
    var fieldset = document.getElementById("nguon-feedback-photos");
    if (!fieldset) { return; }
    var inputs = fieldset.querySelectorAll("input[type=file]");
    var limit = parseInt(fieldset.dataset.limit, 10);
    inputs.forEach(function (input) {
      input.addEventListener("change", function () {
        var count = 0;
        inputs.forEach(function (each) { count += each.files.length; });
        inputs[inputs.length - 1].setCustomValidity(count > limit ? fieldset.dataset.tooMany : "");
        inputs[inputs.length - 1].reportValidity();
      });
    });
  }

  function start() {
    locate();
    narrow();
    photos();
    var summary = document.getElementById("nguon-feedback-summary");
    if (summary) { summary.focus(); }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
