/* What TinyMCE's script makes without a name (axe-core, tests/browser/test_accessibility.py):
   the editing frame gets its field's label as title (frame-title), the resize handle, a
   focusable separator, the editor's height as aria-valuenow (aria-required-attr). */
(function () {
  "use strict";

  function name() {
    document
      .querySelectorAll("iframe.tox-edit-area__iframe:not([title])")
      .forEach(function (frame) {
        var label = document.querySelector(
          'label[for="' + frame.id.replace(/_ifr$/, "") + '"]'
        );
        var text = label ? label.textContent.replace(/\s+/g, " ").trim() : "";
        frame.setAttribute("title", text || document.title);
      });
    document
      .querySelectorAll(
        '.tox-statusbar__resize-handle[role="separator"]:not([aria-valuenow])'
      )
      .forEach(function (handle) {
        var editor = handle.closest(".tox-tinymce");
        var height = editor ? editor.getBoundingClientRect().height : 0;
        handle.setAttribute("aria-valuenow", String(Math.round(height)));
      });
  }

  new MutationObserver(name).observe(document.documentElement, {
    childList: true,
    subtree: true,
  });
  document.addEventListener("DOMContentLoaded", name);
})();
