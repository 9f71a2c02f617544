// Follow the trainer: poll the tiny state endpoint, fetch the step only when its version changes.
// Without this file the page still works: the refresh link and the plain vote form.
(() => {
  "use strict";
  const holder = document.getElementById("live-step");
  if (!holder) return;
  const status = document.getElementById("live-status");
  const data = holder.dataset;
  const POLL_MS = 1500;
  const HERE_MS = 10000;
  let version = parseInt(data.version, 10) || 0;
  const qaList = document.getElementById("qa-list");
  let qaVersion = parseInt((qaList || holder).dataset.qaVersion, 10) || 0;
  let poll = null;
  let etag = null;
  let countdown = null;
  let refreshOpen = null;
  let failures = 0;
  let busy = false;

  const say = (text) => { if (status && text !== undefined && status.textContent !== text) status.textContent = text; };

  async function loadStep(v) {
    const response = await fetch(`${data.stepUrl}${data.stepUrl.includes("?") ? "&" : "?"}v=${v}`,
      { credentials: "same-origin", cache: "no-store" });
    if (!response.ok) throw new Error(`step ${response.status}`);
    const html = await response.text();
    const focused = holder.contains(document.activeElement);
    holder.innerHTML = html;
    if (focused) {
      const title = holder.querySelector("h2");
      if (title) { title.tabIndex = -1; title.focus(); }
    }
    started();
  }

  // What the step just shown needs: its countdown ticking, and in the room the answer count
  // kept fresh while the poll is open.
  function started() {
    if (countdown) window.clearInterval(countdown);
    if (refreshOpen) window.clearTimeout(refreshOpen);
    countdown = refreshOpen = null;
    const clock = holder.querySelector("[data-seconds-left]");
    if (clock) {
      const ends = Date.now() + parseInt(clock.dataset.secondsLeft, 10) * 1000;
      const figure = clock.querySelector("[data-countdown]");
      countdown = window.setInterval(() => {
        const left = Math.max(0, Math.ceil((ends - Date.now()) / 1000));
        if (figure && figure.textContent !== String(left)) figure.textContent = String(left);
        if (left === 0) {  // closed now: show it without waiting for the next state poll
          window.clearInterval(countdown);
          countdown = null;
          loadStep(version).then(() => { poll = "closed"; say(data.msgFollowing); }, () => {});
        }
      }, 250);
    }
    const article = holder.querySelector("[data-poll]");
    if (data.refreshOpen && article && article.dataset.poll === "open") {
      refreshOpen = window.setTimeout(() => loadStep(version).catch(() => started()),
        parseInt(data.refreshOpen, 10));
    }
  }

  async function tick() {
    if (busy) return schedule(POLL_MS);
    busy = true;
    try {
      const headers = etag ? { "If-None-Match": etag } : {};
      const response = await fetch(data.stateUrl, { headers, credentials: "same-origin", cache: "no-store" });
      if (response.status === 200) {
        const state = await response.json();
        // Versions only go up; an answer from a slower server never takes a page back.
        if (state.v >= version) etag = response.headers.get("ETag");
        // A new version, or the same one whose countdown ran out (the poll closed by itself).
        if (state.v > version || (state.v === version && poll !== null && state.poll !== poll)) {
          await loadStep(state.v);
          version = state.v;
          say(data.msgFollowing);
        }
        if (state.v >= version) poll = state.poll;
        // Someone asked or voted, or the trainer moderated: only the questions are fetched
        // (and the room's questions slide, when it is up).
        const q = state.q || 0;
        if (q > qaVersion) {
          if (qaList) await loadQuestions();
          else if (holder.querySelector("[data-questions]")) await loadStep(version);
          qaVersion = q;
        }
      } else if (response.status !== 304) {
        throw new Error(`state ${response.status}`);
      }
      if (failures) say(data.msgFollowing);
      failures = 0;
    } catch (error) {
      failures += 1;
      say(data.msgReconnecting);
    } finally {
      busy = false;
    }
    // Back off after failures (up to 15 s) and recover by itself.
    schedule(failures ? Math.min(15000, POLL_MS * 2 ** Math.min(failures, 4)) : POLL_MS);
  }

  function schedule(ms) { window.setTimeout(tick, ms); }

  async function here() {
    if (!data.hereUrl) return;
    try {
      await fetch(data.hereUrl, { method: "POST", credentials: "same-origin",
        headers: { "X-CSRFToken": data.csrf } });
    } catch (error) { /* the next one will count */ }
  }

  async function loadQuestions() {
    const response = await fetch(qaList.dataset.qaUrl, { credentials: "same-origin", cache: "no-store" });
    if (!response.ok) throw new Error(`questions ${response.status}`);
    const focusedId = qaList.contains(document.activeElement) ? document.activeElement.id : "";
    qaList.innerHTML = await response.text();
    const again = focusedId && document.getElementById(focusedId);
    if (again) again.focus();
  }

  // Asking and voting without leaving the page; the forms work without this too.
  const qa = document.getElementById("live-qa");
  if (qa && qaList) qa.addEventListener("submit", async (event) => {
    const form = event.target;
    event.preventDefault();
    const button = form.querySelector("[type=submit]");
    if (button) button.disabled = true;
    try {
      const response = await fetch(form.action, { method: "POST", body: new FormData(form),
        credentials: "same-origin", headers: { Accept: "application/json" } });
      let message = "";
      try { message = (await response.json()).message; } catch (error) { message = ""; }
      if (response.ok && form.id === "qa-ask") form.reset();
      await loadQuestions();
      say(message || data.msgFollowing);
    } catch (error) {
      say(data.msgReconnecting);
    } finally {
      if (button && button.isConnected) button.disabled = false;
    }
  });

  holder.addEventListener("submit", async (event) => {
    const form = event.target;
    if (!form.classList.contains("step-form")) return;
    event.preventDefault();
    const button = form.querySelector("[type=submit]");
    if (button) button.disabled = true;
    say(data.msgSaving);
    try {
      const response = await fetch(form.action, { method: "POST", body: new FormData(form),
        credentials: "same-origin", headers: { Accept: "application/json" } });
      let message = "";
      try { message = (await response.json()).message; } catch (error) { message = ""; }
      await loadStep(version);
      say(message || data.msgFollowing);
    } catch (error) {
      say(data.msgReconnecting);
    } finally {
      if (button) button.disabled = false;
    }
  });

  started();
  schedule(POLL_MS);
  if (data.hereUrl) window.setInterval(here, HERE_MS);
})();
