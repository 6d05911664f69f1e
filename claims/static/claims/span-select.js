/* Fill a form with the offsets of a text selection inside a container (no dependencies, no CDN).
 *
 * A container has data-fc-select="<form id>"; the form holds inputs marked data-fc-start / data-fc-end and
 * an element data-fc-preview. Offsets count Unicode code points from the start of the container's text,
 * the same unit as Python string indices, so they index the stored snapshot text directly. The preview is
 * set with textContent: selected text is never parsed as HTML.
 */
(function () {
  "use strict";

  function codePoints(text) {
    return Array.from(text).length;
  }

  function offsetIn(container, node, offset) {
    var range = document.createRange();
    range.selectNodeContents(container);
    range.setEnd(node, offset);
    return codePoints(range.toString());
  }

  function update(container, form) {
    var selection = window.getSelection();
    if (!selection || selection.rangeCount === 0 || selection.isCollapsed) {
      return;
    }
    var range = selection.getRangeAt(0);
    if (!container.contains(range.startContainer) || !container.contains(range.endContainer)) {
      return;
    }
    var start = offsetIn(container, range.startContainer, range.startOffset);
    var end = offsetIn(container, range.endContainer, range.endOffset);
    if (end <= start) {
      return;
    }
    form.querySelector("[data-fc-start]").value = String(start);
    form.querySelector("[data-fc-end]").value = String(end);
    var preview = form.querySelector("[data-fc-preview]");
    if (preview) {
      preview.textContent = range.toString();
    }
    form.hidden = false;
  }

  function init() {
    document.querySelectorAll("[data-fc-select]").forEach(function (container) {
      var form = document.getElementById(container.getAttribute("data-fc-select"));
      if (!form) {
        return;
      }
      var handler = function () { update(container, form); };
      container.addEventListener("mouseup", handler);
      container.addEventListener("keyup", handler);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
