// Keyboard shortcuts for the review page. Plain forms do the work (the page works without JS);
// this only clicks the right button or follows the right link. Keys never fire while typing.
(function () {
  "use strict";
  var VERDICT_KEYS = { c: true, f: true, n: true, s: true };

  function isTyping(target) {
    if (!target) return false;
    var tag = target.tagName;
    return target.isContentEditable || tag === "TEXTAREA" || tag === "SELECT" ||
      (tag === "INPUT" && ["checkbox", "radio", "button", "submit"].indexOf(target.type) < 0);
  }

  function follow(selector) {
    var link = document.querySelector(selector);
    if (link) { window.location.href = link.href; return true; }
    return false;
  }

  var busy = false;
  function submitOnce(button) {
    if (busy || !button || button.disabled) return;
    busy = true;  // a held key must not append the same verdict twice
    button.click();
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || event.isComposing) return;
    if (isTyping(event.target)) {
      if (event.key === "Escape") event.target.blur();
      return;
    }
    var key = event.key;
    if (VERDICT_KEYS[key] && !event.shiftKey) {
      var button = document.querySelector('#verdict-form button[data-key="' + key + '"]');
      if (button) { event.preventDefault(); submitOnce(button); }
    } else if (key === "u") {
      var undo = document.querySelector("#undo-form button");
      if (undo) { event.preventDefault(); submitOnce(undo); }
    } else if (key === "j") {
      if (follow('a[data-nav="next"]') || follow('a[data-nav="start"]')) event.preventDefault();
    } else if (key === "k") {
      if (follow('a[data-nav="prev"]')) event.preventDefault();
    } else if (/^[1-9]$/.test(key)) {
      var box = document.querySelector('#verdict-form input[data-tag-key="' + key + '"]');
      if (box) { event.preventDefault(); box.checked = !box.checked; }
    } else if (key === "/") {
      var note = document.getElementById("note");
      if (note) { event.preventDefault(); note.focus(); }
    }
  });

  // Back/forward cache may restore a page mid-submit; let keys work again.
  window.addEventListener("pageshow", function () { busy = false; });
})();
