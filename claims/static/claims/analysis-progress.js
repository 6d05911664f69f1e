// Long analyses: the article page follows a running analysis (polling its state, reloading the page when
// it moves on), and the add form says that fetching and analysing take a while and is not sent twice.
// Loaded in the page's head (the admin's form media): it starts once the document is parsed.
document.addEventListener("DOMContentLoaded", function () {
  "use strict";
  const box = document.querySelector("[data-fc-poll]");
  if (box) {
    let delay = 1500;
    const again = () => {
      delay = Math.min(delay * 1.5, 15000);  // a page retried for minutes is not polled every second
      window.setTimeout(poll, delay);
    };
    const poll = () => {
      fetch(box.dataset.fcPoll, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then((response) => (response.ok ? response.json() : null))
        .then((data) => {
          if (data && data.state !== box.dataset.fcState) {
            window.location.reload();
          } else {
            again();
          }
        })
        .catch(again);
    };
    window.setTimeout(poll, delay);
  }
  const form = document.querySelector("form[data-fc-submit-progress]");
  if (form) {
    form.addEventListener("submit", () => {
      const note = form.querySelector("[data-fc-submitting]");
      if (note) note.hidden = false;
      // Disabled after the browser has taken the form's data: the click still submits it once.
      window.setTimeout(() => form.querySelectorAll("[type=submit]").forEach((b) => { b.disabled = true; }), 0);
    });
  }
});
