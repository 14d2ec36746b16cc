// Protocol import (/protocols/import): the upload form's progress bar.
// htmx shows the form's hx-indicator while the request runs and reports the upload's progress
// as htmx:xhr:progress on the form; once every byte is sent the server is parsing, which has no
// measurable progress, so the bar becomes indeterminate and its label says so.
(function () {
  "use strict";

  function bar(form) {
    var id = form && form.getAttribute && form.getAttribute("data-progress");
    return id ? document.getElementById(id) : null;
  }

  document.addEventListener("htmx:xhr:loadstart", function (event) {
    var progress = bar(event.target);
    if (progress) {
      progress.value = 0;
      progress.max = 100;
      progress.removeAttribute("data-phase");
    }
  });

  document.addEventListener("htmx:xhr:progress", function (event) {
    var progress = bar(event.target);
    var detail = event.detail || {};
    // Once every byte is up, later progress events are the answer coming down: ignore them.
    if (!progress || progress.getAttribute("data-phase") === "parsing") {
      return;
    }
    if (!detail.lengthComputable || !detail.total) {
      return;
    }
    if (detail.loaded >= detail.total) {
      progress.setAttribute("data-phase", "parsing");
      progress.removeAttribute("value"); // indeterminate: the server is reading the document
      var label = document.getElementById(progress.id.replace(/-bar$/, "-label"));
      if (label && progress.getAttribute("data-parsing")) {
        label.textContent = progress.getAttribute("data-parsing");
      }
      return;
    }
    progress.value = Math.round((100 * detail.loaded) / detail.total);
  });
})();
