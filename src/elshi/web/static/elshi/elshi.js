// Progressive enhancement only: every form works without JavaScript.
document.documentElement.classList.add("js");
document.addEventListener("change", (event) => {
  const target = event.target;
  if (target instanceof HTMLSelectElement && target.hasAttribute("data-autosubmit") && target.form) {
    target.form.requestSubmit();
  }
});

// Calendar: drag a post to another day to reschedule it (keeps its local time; the server checks the rules).
document.addEventListener("dragstart", (event) => {
  const post = event.target instanceof Element ? event.target.closest("[data-reschedule]") : null;
  if (post && event.dataTransfer) event.dataTransfer.setData("text/plain", post.getAttribute("data-reschedule"));
});
document.addEventListener("dragover", (event) => {
  const day = event.target instanceof Element ? event.target.closest("td[data-date]") : null;
  if (day) { event.preventDefault(); day.classList.add("drop-target"); }
});
document.addEventListener("dragleave", (event) => {
  const day = event.target instanceof Element ? event.target.closest("td[data-date]") : null;
  if (day) day.classList.remove("drop-target");
});
document.addEventListener("drop", (event) => {
  const day = event.target instanceof Element ? event.target.closest("td[data-date]") : null;
  const url = event.dataTransfer ? event.dataTransfer.getData("text/plain") : "";
  if (!day || !url) return;
  event.preventDefault();
  const token = document.querySelector("input[name=csrfmiddlewaretoken]");
  const body = new URLSearchParams({ date: day.getAttribute("data-date") });
  fetch(url, {
    method: "POST", body,
    headers: { "HX-Request": "true", "X-CSRFToken": token ? token.value : "" },
    credentials: "same-origin",
  }).then((response) => response.json().then((data) => {
    if (!data.ok) window.alert(data.error);
    window.location.reload();
  }));
});

// Studio picker: "Attach" adds the asset's line to the variant's attachments. Here rather than in an
// hx-on attribute: that one is evaluated as code, which the Content-Security-Policy forbids.
document.addEventListener("click", (event) => {
  const button = event.target instanceof Element ? event.target.closest("button[data-attach]") : null;
  const field = button ? document.getElementById(button.getAttribute("data-target") || "") : null;
  if (!button || !(field instanceof HTMLTextAreaElement || field instanceof HTMLInputElement)) return;
  const current = field.value.trim();
  field.value = (current ? current + "\n" : "") + (button.getAttribute("data-line") || "");
  field.dispatchEvent(new Event("input", { bubbles: true }));
  button.textContent = button.getAttribute("data-done") || "";
});
