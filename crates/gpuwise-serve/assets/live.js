// gpuwise serve: updates the answer as the inputs change and keeps the address in step with
// them (so a copied link reproduces the page), and loads this machine's panel when the check
// of the machine was still running as the page was made. Without this script the page works
// as a plain form.
(() => {
  "use strict";
  const form = document.getElementById("calculator");
  let timer = null;
  let sequence = 0;

  const query = () => new URLSearchParams(new FormData(form)).toString();

  // The inputs every operation shares: the operation tabs (plain links) carry them, as the
  // server writes the tabs for the inputs the page was made with.
  const SHARED = ["dtype", "gpu", "cpu", "repeats", "resident", "pageable", "compare", "rule_of_thumb"];

  // Keeps the operation tabs in step with the form, so switching keeps what was changed here.
  function updateTabs() {
    const data = new FormData(form);
    form.querySelectorAll("nav.ops a").forEach((tab) => {
      const link = new URLSearchParams({ op: new URL(tab.href).searchParams.get("op") || "" });
      SHARED.forEach((key) => {
        data.getAll(key).forEach((value) => {
          if (String(value).trim()) link.append(key, value);
        });
      });
      tab.setAttribute("href", `?${link}`);
    });
  }

  // Marks the field the message is about, for screen readers and the eye.
  function markInvalid() {
    form.querySelectorAll("[aria-invalid]").forEach((field) => {
      field.removeAttribute("aria-invalid");
      field.removeAttribute("aria-describedby");
    });
    const error = document.getElementById("error");
    const input = error && error.dataset.input;
    if (!input) return;
    form.querySelectorAll(`[name="${input}"]`).forEach((field) => {
      field.setAttribute("aria-invalid", "true");
      field.setAttribute("aria-describedby", "error");
    });
  }

  async function update() {
    const mine = ++sequence;
    const text = query();
    const results = document.getElementById("results");
    results.setAttribute("aria-busy", "true");
    try {
      const response = await fetch(`results?${text}`);
      const html = await response.text();
      if (mine !== sequence) return; // a newer update is on its way
      const holder = document.createElement("div");
      holder.innerHTML = html;
      const fresh = holder.querySelector("#results");
      if (!fresh) throw new Error(`the server answered ${response.status}`);
      document.getElementById("results").replaceWith(fresh);
      history.replaceState(null, "", `?${text}`);
      updateTabs();
      markInvalid();
    } catch (err) {
      if (mine !== sequence) return; // a newer update is on its way
      const current = document.getElementById("results");
      current.removeAttribute("aria-busy");
      let message = current.querySelector("p.update-failed");
      if (!message) {
        current.insertAdjacentHTML("afterbegin", '<p class="bad update-failed" role="alert"></p>');
        message = current.querySelector("p.update-failed");
      }
      message.textContent = `Cannot update: ${err.message}. Press Estimate to try again.`;
    }
    document.body.dataset.updates = String(mine);
  }

  function soon(delay) {
    clearTimeout(timer);
    timer = setTimeout(update, delay);
  }

  if (form) {
    form.addEventListener("input", () => soon(250));
    form.addEventListener("change", () => soon(50));
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      soon(0);
    });
  }

  async function loadMachine(refresh) {
    const panel = document.getElementById("machine-panel");
    if (!panel) return;
    panel.setAttribute("aria-busy", "true");
    try {
      const response = await fetch(`machine?fragment=1${refresh ? "&refresh=1" : ""}`);
      panel.innerHTML = await response.text();
    } catch (err) {
      panel.textContent = `Cannot check this machine: ${err.message}`;
    }
    panel.removeAttribute("aria-busy");
  }

  if (document.querySelector('[data-load="machine"]')) loadMachine(false);
  document.addEventListener("click", (event) => {
    const link = event.target.closest('[data-action="refresh-machine"]');
    if (!link) return;
    event.preventDefault();
    loadMachine(true);
  });
})();
