/* The target picker (nguon.browser.target_picker): search units by name, pick among those
 * @reachable-units offers, keep their codes in the field's text area (one a line). */
(function () {
  "use strict";

  function field(form, name) {
    var element = form && form.querySelector('[name="form.widgets.' + name + ':list"]');
    return element ? element.value : "";
  }

  function setup(root) {
    if (root.dataset.ready) return;
    root.dataset.ready = "1";
    var textarea = document.getElementById(root.dataset.textarea);
    var form = root.closest("form");
    var search = root.querySelector(".nguon-picker-search");
    var status = root.querySelector(".nguon-picker-status");
    var results = root.querySelector(".nguon-picker-results");
    var chosen = root.querySelector(".nguon-picker-chosen");
    var timer = null;
    var asked = 0;

    textarea.hidden = true;
    root.hidden = false;

    function codes() {
      return textarea.value.split(/\s+/).filter(Boolean);
    }

    function store(list) {
      textarea.value = list.join("\n");
      textarea.dispatchEvent(new Event("change", { bubbles: true }));
    }

    function removeButton(li, title) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "btn btn-sm btn-link nguon-picker-remove";
      button.setAttribute("aria-label", root.dataset.removeLabel + " " + title);
      button.textContent = "×";
      li.appendChild(button);
    }

    function addChosen(unit) {
      if (codes().indexOf(unit.code) !== -1) return;
      store(codes().concat([unit.code]));
      var li = document.createElement("li");
      li.className = "nguon-picker-unit d-inline-block border rounded px-2 py-1 me-1 mb-1";
      li.dataset.code = unit.code;
      var name = document.createElement("span");
      name.textContent = unit.title;
      li.appendChild(name);
      var level = document.createElement("small");
      level.className = "text-muted";
      level.textContent = " " + (unit.level_title || "");
      li.appendChild(level);
      removeButton(li, unit.title);
      chosen.appendChild(li);
      var scope = form && form.querySelector('[name="form.widgets.target_scope:list"]');
      if (scope && (scope.value === "unit" || scope.value === "subtree")) {
        scope.value = "chosen";
        scope.dispatchEvent(new Event("change", { bubbles: true }));
        status.textContent = root.dataset.scopeLabel;
      }
    }

    chosen.addEventListener("click", function (event) {
      var button = event.target.closest(".nguon-picker-remove");
      if (!button) return;
      var li = button.closest("li");
      store(codes().filter(function (code) { return code !== li.dataset.code; }));
      li.remove();
      search.focus();
    });

    function option(unit) {
      var li = document.createElement("li");
      var button = document.createElement("button");
      button.type = "button";
      button.className = "btn btn-outline-secondary btn-sm text-start w-100 mb-1 nguon-picker-option";
      button.dataset.code = unit.code;
      var name = document.createElement("strong");
      name.textContent = unit.title;
      button.appendChild(name);
      button.appendChild(document.createTextNode(" — " + (unit.level_title || "")));
      if (unit.climbs) {
        var climb = document.createElement("span");
        climb.className = "d-block small nguon-picker-climb";
        climb.textContent = root.dataset.climbLabel + " " +
          unit.chain.map(function (u) { return u.title; }).join(" → ");
        button.appendChild(climb);
      }
      button.addEventListener("click", function () {
        addChosen(unit);
        results.textContent = "";
        search.value = "";
        search.focus();
      });
      li.appendChild(button);
      return li;
    }

    function ask() {
      var query = search.value.trim();
      results.textContent = "";
      if (!query) { status.textContent = ""; return; }
      var params = new URLSearchParams({ q: query });
      if (root.dataset.portalType) params.set("portal_type", root.dataset.portalType);
      ["priority", "category", "target_scope"].forEach(function (name) {
        var value = field(form, name);
        if (value && value !== "--NOVALUE--") params.set(name, value);
      });
      var mine = ++asked;
      fetch(root.dataset.url + "?" + params.toString(), {
        headers: { Accept: "application/json" },
        credentials: "same-origin"
      })
        .then(function (response) {
          if (!response.ok) throw new Error(response.status);
          return response.json();
        })
        .then(function (answer) {
          if (mine !== asked) return;
          var taken = codes();
          var offered = answer.items.filter(function (u) { return taken.indexOf(u.code) === -1; });
          offered.forEach(function (unit) { results.appendChild(option(unit)); });
          status.textContent = offered.length
            ? offered.length + " " + root.dataset.foundLabel
            : root.dataset.noneLabel;
        })
        .catch(function () {
          if (mine === asked) status.textContent = root.dataset.errorLabel;
        });
    }

    search.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(ask, 250);
    });
    search.addEventListener("keydown", function (event) {
      var first = results.querySelector(".nguon-picker-option");
      // Enter picks the first unit offered instead of submitting the form; the down arrow
      // goes to the units offered.
      if (event.key === "Enter") {
        event.preventDefault();
        if (first) first.click();
      } else if (event.key === "ArrowDown" && first) {
        event.preventDefault();
        first.focus();
      }
    });
    results.addEventListener("keydown", function (event) {
      var options = Array.prototype.slice.call(results.querySelectorAll(".nguon-picker-option"));
      var at = options.indexOf(document.activeElement);
      if (at === -1) return;
      if (event.key === "ArrowDown" && at < options.length - 1) {
        event.preventDefault();
        options[at + 1].focus();
      } else if (event.key === "ArrowUp") {
        event.preventDefault();
        (at > 0 ? options[at - 1] : search).focus();
      } else if (event.key === "Escape") {
        results.textContent = "";
        search.focus();
      }
    });
  }

  function all() {
    document.querySelectorAll(".nguon-target-picker").forEach(setup);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", all);
  } else {
    all();
  }
})();
