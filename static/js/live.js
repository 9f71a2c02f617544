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
  let skew = null;  // the server's clock minus this one's, from the state answers' Date header
  // This attendee's answers by step: the shared step is drawn alike for everyone, without them.
  const mineByStep = {};
  if (data.mineStep) mineByStep[data.mineStep] = { value: data.mineValue, shown: data.mineShown };

  const say = (text) => { if (status && text !== undefined && status.textContent !== text) status.textContent = text; };

  // An attendee fetches the step everyone sees at this version and poll state (the same bytes
  // for the whole room, cached by the browser and nginx), then adds their own answer to it.
  async function loadStep(v, p) {
    const shared = Boolean(data.sharedUrl && p);
    const url = shared ? `${data.sharedUrl}&v=${v}&p=${p}`
      : `${data.stepUrl}${data.stepUrl.includes("?") ? "&" : "?"}v=${v}`;
    const response = await fetch(url, shared ? { credentials: "omit" }
      : { credentials: "same-origin", cache: "no-store" });
    if (!response.ok) throw new Error(`step ${response.status}`);
    const html = await response.text();
    const focused = holder.contains(document.activeElement);
    holder.innerHTML = html;
    if (shared) personalise();
    if (focused) {
      const title = holder.querySelector("h2");
      if (title) { title.tabIndex = -1; title.focus(); }
    }
    started();
  }

  function personalise() {
    const form = holder.querySelector("form.step-form");
    if (form && !form.querySelector("[name=csrf_token]")) {
      const token = document.createElement("input");
      token.type = "hidden";
      token.name = "csrf_token";
      token.value = data.csrf;
      form.prepend(token);
    }
    const article = holder.querySelector("[data-step]");
    const mine = article && mineByStep[article.dataset.step];
    if (!mine) return;
    if (form) form.querySelectorAll("[name=answer]").forEach((input) => {
      if (input.type === "radio") input.checked = input.value === mine.value;
      else input.value = mine.value;
    });
    const said = holder.querySelector("#your-answer[hidden]");
    if (said) {
      const place = said.querySelector("[data-mine-shown]");
      if (place) place.textContent = mine.shown;
      said.hidden = false;
    }
    holder.querySelectorAll("[data-unanswered]").forEach((hint) => { hint.hidden = true; });
  }

  const shownPoll = () => {
    const article = holder.querySelector("[data-poll]");
    return article ? article.dataset.poll : null;
  };

  // What the step just shown needs: its countdown ticking, and in the room the answer count
  // kept fresh while the poll is open.
  function started() {
    if (countdown) window.clearInterval(countdown);
    if (refreshOpen) window.clearTimeout(refreshOpen);
    countdown = refreshOpen = null;
    const clock = holder.querySelector("[data-seconds-left]");
    if (clock) {
      // A shared step may have been drawn seconds ago: count down to the poll's end by the
      // server's clock when it is known, else from the seconds left when it was drawn.
      const endsAt = parseInt(clock.dataset.ends, 10);
      const ends = endsAt && skew !== null ? endsAt * 1000 - skew
        : Date.now() + parseInt(clock.dataset.secondsLeft, 10) * 1000;
      const figure = clock.querySelector("[data-countdown]");
      countdown = window.setInterval(() => {
        const left = Math.max(0, Math.ceil((ends - Date.now()) / 1000));
        if (figure && figure.textContent !== String(left)) figure.textContent = String(left);
        if (left === 0) {  // closed now: show it without waiting for the next state poll
          window.clearInterval(countdown);
          countdown = null;
          loadStep(version, "closed").then(() => { poll = "closed"; say(data.msgFollowing); },
            () => {});
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
      const date = Date.parse(response.headers.get("Date") || "");
      if (!Number.isNaN(date)) skew = date + 500 - Date.now();  // Date has whole seconds
      if (response.status === 200) {
        const state = await response.json();
        // Versions only go up; an answer from a slower server never takes a page back.
        if (state.v >= version) etag = response.headers.get("ETag");
        // A new version, or the same one whose countdown ran out (the poll closed by itself).
        if (state.v > version || (state.v === version && poll !== null && state.poll !== poll)) {
          await loadStep(state.v, state.poll);
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
      try {
        const answer = await response.json();
        message = answer.message;
        if (answer.saved) mineByStep[answer.step] = { value: String(answer.answer), shown: answer.shown };
      } catch (error) { message = ""; }
      await loadStep(version, shownPoll());
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
