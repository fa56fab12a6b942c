/*
 * Saves each answer on the exercise page as the practitioner types: a couple of
 * seconds after they stop, and when they leave the field. Without this script the
 * page's Save button posts the whole form and nothing is lost either.
 *
 * Nothing typed is ever written to the browser's own storage: the text stays in
 * the page until the server has it. One saver (`Saver`) sends each answer and the
 * commitment's two dates (exercise 4, once both are filled in), one request at a time:
 * - a failed save is tried again with back-off, at most MOST_TRIES times; then the
 *   page says it could not save, keeps the text, and tries again on the next change,
 *   on "Try again", or when the browser is back online;
 * - a save made while signed out waits, polling, until the person signs in again (in
 *   another tab) and then goes through;
 * - an answer over the length limit is not sent: the page says so, in the server's
 *   own words (rendered into the form's data-too-long-message);
 * - a save based on an older version than the server's shows both texts and lets the
 *   person choose or combine them.
 * Submitting fetches a fresh CSRF token first: signing in again in another tab replaces
 * it, and a stale one would be refused with the text lost.
 */
"use strict";

(() => {
  const form = document.querySelector("form[data-autosave]");
  if (!form) {
    return;
  }

  const TYPING_PAUSE = 2000;
  const DATE_PAUSE = 1500;
  const FIRST_RETRY = 2000;
  const LONGEST_RETRY = 30000;
  const MOST_TRIES = 5;
  const SIGNED_OUT_POLL = 3000;
  // The status words of a refusal the server explains (see reflections/views/json_endpoints.py).
  const EXPLAINED = new Set(["forbidden", "not_found", "method_not_allowed", "invalid", "closed"]);
  // The count of characters shows once an answer is this close to the limit.
  const COUNT_FROM = 0.9;
  const csrfInput = form.querySelector("input[name=csrfmiddlewaretoken]");
  const pageStatus = form.querySelector("[data-page-status]");
  const conflictTemplate = document.getElementById("answer-conflict-template");
  const maxLength = Number(form.dataset.maxLength) || Number.POSITIVE_INFINITY;
  const savers = [];
  let leavingByForm = false;
  let signedOut = false;

  function formatNumber(number) {
    return number.toLocaleString("en-GB");
  }

  // Characters as the server counts them (code points, not UTF-16 units).
  function characterCount(text) {
    return text.length <= maxLength * COUNT_FROM ? text.length : Array.from(text).length;
  }

  function tooLongMessage(length) {
    return form.dataset.tooLongMessage.split("{length}").join(formatNumber(length));
  }

  function cookie(name) {
    const found = document.cookie
      .split(";")
      .map((part) => part.trim())
      .find((part) => part.startsWith(`${name}=`));
    return found ? decodeURIComponent(found.slice(name.length + 1)) : "";
  }

  function csrfToken() {
    return cookie(form.dataset.csrfCookie || "csrftoken") || (csrfInput ? csrfInput.value : "");
  }

  // Signing in again replaces the CSRF token: fetch the current one. Resolves to whether
  // the course answered.
  function refreshCsrfToken() {
    return fetch(form.dataset.csrfUrl, { credentials: "same-origin", cache: "no-store" })
      .then((response) => (response.ok ? response.json() : null))
      .then((data) => {
        if (data?.token && csrfInput) {
          csrfInput.value = data.token;
        }
        return Boolean(data);
      })
      .catch(() => false);
  }

  // Resolves to {status, data}; status 0 when the network failed.
  function postJson(url, body, mayRefreshToken) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      cache: "no-store",
      headers: {
        "Content-Type": "application/json",
        Accept: "application/json",
        "X-CSRFToken": csrfToken(),
      },
      body: JSON.stringify(body),
    }).then(
      (response) => {
        if (response.status === 403 && mayRefreshToken) {
          return refreshCsrfToken().then(() => postJson(url, body, false));
        }
        return response.json().then(
          (data) => ({ status: response.status, data: data }),
          () => ({ status: response.status, data: {} }),
        );
      },
      () => ({ status: 0, data: {} }),
    );
  }

  function setPageStatus(nodes, ok) {
    pageStatus.replaceChildren(...nodes);
    pageStatus.classList.toggle("is-ok", Boolean(ok));
  }

  function showSignedOut() {
    if (signedOut) {
      return;
    }
    signedOut = true;
    const link = document.createElement("a");
    link.href = form.dataset.loginUrl;
    link.target = "_blank";
    link.rel = "noopener";
    link.textContent = "Sign in again in a new tab";
    setPageStatus([
      document.createTextNode(
        "You have been signed out, so your latest changes are not saved yet. " +
          "Your text is still here. ",
      ),
      link,
      document.createTextNode(
        ", then come back to this tab: what you wrote will be saved without typing it again.",
      ),
    ]);
  }

  function showSignedIn() {
    if (!signedOut) {
      return;
    }
    signedOut = false;
    setPageStatus(
      [document.createTextNode("You are signed in again. Your answers are saved.")],
      true,
    );
  }

  // What each thing the page saves has in common: a pause after the last change, one
  // request at a time, bounded retries with back-off, polling while signed out. Each kind
  // says what it sends (`payload`), whether it has changes (`isDirty`), whether it may be
  // sent now (`isReady`, which says why not), what a save means (`saved`), and how it
  // answers the server's refusals (`refused`, true when it has dealt with one).
  class Saver {
    constructor({ url, status, pause, words }) {
      this.url = url;
      this.status = status;
      this.pause = pause;
      this.words = words;
      this.timer = null;
      this.inFlight = false;
      this.again = false;
      this.tries = 0;
      this.conflict = null;
      this.retryButton = document.createElement("button");
      this.retryButton.type = "button";
      this.retryButton.className = "btn btn-outline-primary btn-sm retry-save";
      this.retryButton.textContent = "Try again";
      this.retryButton.hidden = true;
      if (status.id) {
        this.retryButton.setAttribute("aria-describedby", status.id);
      }
      this.retryButton.addEventListener("click", () => this.saveNow());
      status.after(this.retryButton);
    }

    isDisabled() {
      return false;
    }

    setStatus(text, problem) {
      this.status.textContent = text;
      this.status.classList.toggle("is-problem", Boolean(problem));
    }

    // Something was typed or chosen: save after a pause, with a fresh count of tries.
    changed() {
      this.tries = 0;
      this.schedule(this.pause);
    }

    schedule(delay) {
      window.clearTimeout(this.timer);
      this.timer = window.setTimeout(() => this.save(), delay);
    }

    saveNow() {
      window.clearTimeout(this.timer);
      this.tries = 0;
      this.save();
    }

    save() {
      if (this.inFlight) {
        this.again = true;
        return;
      }
      if (!this.isDirty()) {
        if (!this.retryButton.hidden) {
          this.hideRetry();
          this.setStatus("No changes to save.");
        }
        return;
      }
      if (!this.isReady()) {
        return;
      }
      const payload = this.payload();
      this.inFlight = true;
      this.setStatus(this.words.saving);
      postJson(this.url, payload, true).then((outcome) => {
        this.inFlight = false;
        this.handle(outcome, payload);
        if (this.again) {
          this.again = false;
          this.save();
        }
      });
    }

    handle(outcome, payload) {
      if (outcome.status === 200) {
        this.tries = 0;
        showSignedIn();
        this.saved(outcome.data, payload);
        if (this.isDirty()) {
          this.schedule(this.pause);
        }
      } else if (outcome.status === 401) {
        showSignedOut();
        this.setStatus(`Not saved: you are signed out. ${this.words.stillHere}`, true);
        this.schedule(SIGNED_OUT_POLL);
      } else if (this.refused(outcome) || this.explained(outcome)) {
        this.tries = 0;
      } else {
        this.failed(outcome.status);
        return;
      }
      this.hideRetry();
    }

    // Any other refusal the server explains in its own words (not allowed, no longer
    // there, a page that had expired): say so, keep the text, and wait for the person.
    explained(outcome) {
      const data = outcome.data;
      if (outcome.status >= 400 && outcome.status < 500 && EXPLAINED.has(data.status)) {
        this.setStatus(data.message || `Not saved. ${this.words.stillHere}`, true);
        return true;
      }
      return false;
    }

    // No answer, or not one that says what is wrong: try again a little later, a few
    // times, then say so and wait for the person.
    failed(status) {
      this.tries += 1;
      const why =
        status === 0 ? "could not reach the course" : "the course could not save it just now";
      if (this.tries >= MOST_TRIES) {
        this.setStatus(
          `Not saved: ${why}. ${this.words.stillHere} Copy it somewhere safe, or try again.`,
          true,
        );
        this.retryButton.hidden = false;
        return;
      }
      const delay = Math.min(FIRST_RETRY * 2 ** (this.tries - 1), LONGEST_RETRY);
      this.setStatus(
        `Not saved: ${why}; trying again in ${delay / 1000} seconds. ${this.words.stillHere}`,
        true,
      );
      this.schedule(delay);
    }

    // The button goes once the course answers; the focus, if on it, goes back to what
    // was typed.
    hideRetry() {
      if (this.retryButton.hidden) {
        return;
      }
      if (document.activeElement === this.retryButton) {
        this.focusTarget().focus();
      }
      this.retryButton.hidden = true;
    }

    retryIfWaiting() {
      if (!this.retryButton.hidden) {
        this.saveNow();
      }
    }
  }

  class Field extends Saver {
    constructor(section) {
      const status = section.querySelector("[data-answer-status]");
      super({
        url: section.dataset.url,
        status: status,
        pause: TYPING_PAUSE,
        words: { saving: "Saving…", stillHere: "Your text is still here." },
      });
      this.section = section;
      this.textarea = section.querySelector("[data-answer-text]");
      this.versionInput = section.querySelector("[data-answer-version]");
      this.version = Number(this.versionInput.value);
      this.resolved = false;
      const exact = document.getElementById(`${this.textarea.id}-exact`);
      if (exact) {
        // Text holding a NUL cannot travel in HTML; the exact text comes as JSON.
        this.textarea.value = JSON.parse(exact.textContent);
      }
      this.savedText = this.textarea.value;
      this.count = document.createElement("p");
      this.count.className = "form-text answer-count";
      this.count.id = `${this.textarea.id}-count`;
      this.textarea.after(this.count);
      this.showCount();
      const existing = section.querySelector("[data-conflict]");
      if (existing) {
        this.adoptConflict(
          existing,
          Number(existing.querySelector("[data-conflict-version]").value),
          existing.querySelector("[data-conflict-saved]").value,
        );
      }
      this.textarea.addEventListener("input", () => this.onInput());
      this.textarea.addEventListener("blur", () => this.saveNow());
    }

    isDirty() {
      return this.textarea.value !== this.savedText;
    }

    // A save whose reply never came may still have been stored: remember its text, so a
    // conflict against exactly that text is known for this page's own save, not another
    // tab's (the server answers a resend of the same text as saved by itself).
    handle(outcome, payload) {
      if (outcome.status === 0) {
        this.unconfirmedText = payload.text;
      } else if (outcome.status !== 409) {
        this.unconfirmedText = null;
      }
      super.handle(outcome, payload);
    }

    isOwnUnconfirmedSave(data) {
      return typeof this.unconfirmedText === "string" && data.text === this.unconfirmedText;
    }

    isDisabled() {
      return this.textarea.disabled;
    }

    focusTarget() {
      return this.textarea;
    }

    length() {
      return characterCount(this.textarea.value);
    }

    isTooLong() {
      return this.length() > maxLength;
    }

    // Not sent while a conflict waits for a choice, while the question is closed, or
    // while the text is over the limit (the server would refuse it).
    isReady() {
      if (this.conflict || this.textarea.disabled) {
        return false;
      }
      if (this.isTooLong()) {
        this.setStatus(`Not saved: ${tooLongMessage(this.length())}`, true);
        return false;
      }
      return true;
    }

    payload() {
      // `resolved` marks the save that settles a conflict: the server keeps it as its
      // own history entry rather than folding it into the autosave before it.
      const body = { text: this.textarea.value, version: this.version };
      if (this.resolved) {
        body.resolved = true;
      }
      return body;
    }

    onInput() {
      this.showCount();
      if (!this.isTooLong()) {
        this.clearTooLong();
      }
      if (this.conflict) {
        this.conflict.mine.value = this.textarea.value;
        return;
      }
      this.changed();
    }

    // "18,000 of 20,000 characters", once the answer nears the limit. Not a live region:
    // the status says it too, when the typing pauses.
    showCount() {
      const length = this.length();
      const near = length >= maxLength * COUNT_FROM;
      this.count.hidden = !near;
      this.count.classList.toggle("is-problem", length > maxLength);
      if (!near) {
        this.count.textContent = "";
      } else if (length > maxLength) {
        this.count.textContent = `${formatNumber(length)} of ${formatNumber(maxLength)} characters: ${formatNumber(length - maxLength)} too many`;
      } else {
        this.count.textContent = `${formatNumber(length)} of ${formatNumber(maxLength)} characters`;
      }
    }

    // The same message next to the field as the server's page would show, when the
    // page's buttons are pressed with the text too long.
    showTooLong() {
      const message = tooLongMessage(this.length());
      let error = this.section.querySelector("[data-too-long]");
      if (!error) {
        error = document.createElement("p");
        error.className = "invalid-feedback d-block";
        error.id = `${this.textarea.id}-too-long`;
        error.dataset.tooLong = "";
        this.textarea.before(error);
        const described = this.textarea.getAttribute("aria-describedby") || "";
        this.textarea.setAttribute("aria-describedby", `${described} ${error.id}`.trim());
      }
      error.textContent = message;
      this.textarea.classList.add("is-invalid");
      this.textarea.setAttribute("aria-invalid", "true");
      this.setStatus(`Not saved: ${message}`, true);
    }

    clearTooLong() {
      const error = this.section.querySelector("[data-too-long]");
      if (!error) {
        return;
      }
      const described = (this.textarea.getAttribute("aria-describedby") || "")
        .split(" ")
        .filter((id) => id && id !== error.id);
      this.textarea.setAttribute("aria-describedby", described.join(" "));
      error.remove();
      if (!this.section.querySelector(".invalid-feedback")) {
        this.textarea.classList.remove("is-invalid");
        this.textarea.removeAttribute("aria-invalid");
      }
    }

    saved(data, payload) {
      this.resolved = false;
      this.version = data.version;
      this.versionInput.value = data.version;
      this.savedText = payload.text;
      this.setStatus(data.saved_at_label ? `Saved at ${data.saved_at_label}` : "Saved");
      if (payload.text.trim()) {
        this.clearMissing();
      }
    }

    // "Answer question 1 before you submit" goes once an answer is saved: here and in
    // the error summary at the top of the page.
    clearMissing() {
      const error = document.getElementById(`${this.textarea.id}-error`);
      if (!error) {
        return;
      }
      const described = (this.textarea.getAttribute("aria-describedby") || "")
        .split(" ")
        .filter((id) => id && id !== error.id);
      this.textarea.setAttribute("aria-describedby", described.join(" "));
      error.remove();
      this.section.classList.remove("has-error");
      if (!this.section.querySelector(".invalid-feedback")) {
        this.textarea.classList.remove("is-invalid");
        this.textarea.removeAttribute("aria-invalid");
      }
      const summary = document.getElementById("error-summary");
      const link = summary?.querySelector(`a[href="#${this.textarea.id}"]`);
      if (link) {
        link.closest("li").remove();
        if (!summary.querySelector("li")) {
          summary.remove();
        }
      }
    }

    refused(outcome) {
      const data = outcome.data;
      if (outcome.status === 409 && data.status === "closed") {
        // Removed from the exercise, or a pair question that has closed: the server
        // says why; the text stays in the box to be copied.
        this.setStatus(data.message || "Not saved: this question is closed.", true);
      } else if (outcome.status === 409 && this.isOwnUnconfirmedSave(data)) {
        // The earlier save did go through: build on it and send what is here now.
        this.unconfirmedText = null;
        this.version = data.version;
        this.versionInput.value = data.version;
        this.savedText = data.text;
        this.schedule(0);
      } else if (outcome.status === 409) {
        showSignedIn();
        this.showConflict(data);
      } else if (outcome.status === 400) {
        this.setStatus(data.message || "Not saved: the answer could not be saved.", true);
      } else if (outcome.status === 404) {
        this.setStatus(
          "Not saved: this question is no longer part of the exercise. " +
            "Copy your text somewhere safe.",
          true,
        );
      } else {
        return false;
      }
      return true;
    }

    showConflict(data) {
      const holder = document.createElement("div");
      const key = this.section.dataset.key;
      holder.appendChild(conflictTemplate.content.cloneNode(true));
      holder.querySelectorAll("[id], [for], [name], [aria-labelledby]").forEach((element) => {
        for (const attribute of ["id", "for", "name", "aria-labelledby"]) {
          const value = element.getAttribute(attribute);
          if (value) {
            element.setAttribute(attribute, value.split("__key__").join(key));
          }
        }
      });
      const box = holder.querySelector("[data-conflict]");
      box.querySelector("[data-conflict-saved-at]").textContent = data.saved_at_label
        ? ` (saved at ${data.saved_at_label})`
        : "";
      box.querySelector("[data-conflict-mine]").value = this.textarea.value;
      box.querySelector("[data-conflict-saved]").value = data.text;
      box.querySelector("[data-conflict-merged]").value = `${this.textarea.value}\n\n${data.text}`;
      if (!this.textarea.value.trim()) {
        // An empty text is never the first choice: keeping the saved one is.
        const mine = box.querySelector("[data-resolve=mine]");
        const saved = box.querySelector("[data-resolve=saved]");
        mine.before(saved);
        saved.classList.replace("btn-outline-primary", "btn-primary");
        mine.classList.replace("btn-primary", "btn-outline-primary");
      }
      this.retryButton.after(box);
      this.adoptConflict(box, data.version, data.text);
      this.setStatus(data.message || "Not saved: this answer was also changed elsewhere.", true);
    }

    adoptConflict(box, version, savedText) {
      this.conflict = {
        box: box,
        version: version,
        savedText: savedText,
        mine: box.querySelector("[data-conflict-mine]"),
        merged: box.querySelector("[data-conflict-merged]"),
      };
      box.querySelectorAll("[data-resolve]").forEach((button) => {
        button.addEventListener("click", (event) => {
          event.preventDefault();
          this.resolve(button.dataset.resolve);
        });
      });
    }

    resolve(choice) {
      const conflict = this.conflict;
      this.conflict = null;
      // The server holds the saved text at `conflict.version`: build on that.
      this.version = conflict.version;
      this.versionInput.value = conflict.version;
      this.savedText = conflict.savedText;
      if (choice === "saved") {
        this.textarea.value = conflict.savedText;
        this.setStatus("Kept the saved text.");
      } else if (choice === "merged") {
        this.textarea.value = conflict.merged.value;
      }
      this.showCount();
      this.resolved = this.isDirty();
      conflict.box.remove();
      this.textarea.focus();
      this.saveNow();
    }
  }

  // The commitment's dates: saved together, a moment after either changes (typing a
  // year digit by digit makes several dates on the way) and when the focus leaves them.
  class Dates extends Saver {
    constructor(box) {
      super({
        url: box.dataset.url,
        status: box.querySelector("[data-dates-status]"),
        pause: DATE_PAUSE,
        words: { saving: "Saving the dates…", stillHere: "Your dates are still here." },
      });
      this.box = box;
      this.inputs = Array.from(box.querySelectorAll("[data-commitment-date]"));
      this.savedValues = this.payload();
      for (const input of this.inputs) {
        input.addEventListener("input", () => this.changed());
        input.addEventListener("change", () => this.changed());
        input.addEventListener("blur", (event) => {
          if (!box.contains(event.relatedTarget)) {
            this.saveNow();
          }
        });
      }
    }

    payload() {
      const values = {};
      for (const input of this.inputs) {
        values[input.dataset.commitmentDate] = input.value;
      }
      return values;
    }

    isDirty() {
      return JSON.stringify(this.payload()) !== JSON.stringify(this.savedValues);
    }

    isReady() {
      if (this.inputs.some((input) => input.value === "")) {
        this.setStatus("Fill in both dates to save them.");
        return false;
      }
      return true;
    }

    focusTarget() {
      return this.inputs[0];
    }

    markInvalid(errors) {
      for (const input of this.inputs) {
        const wrong = Boolean(errors?.[input.dataset.commitmentDate]);
        input.classList.toggle("is-invalid", wrong);
        if (wrong) {
          input.setAttribute("aria-invalid", "true");
        } else {
          input.removeAttribute("aria-invalid");
        }
      }
    }

    saved(data, values) {
      this.savedValues = values;
      this.markInvalid(null);
      this.setStatus(data.saved_at_label ? `Dates saved at ${data.saved_at_label}` : "Dates saved");
    }

    refused(outcome) {
      const data = outcome.data;
      if (outcome.status === 400) {
        // Not saved, so still different from what is saved: the next change tries again.
        this.markInvalid(data.errors);
        this.setStatus(data.message || "Not saved: the dates could not be saved.", true);
      } else if (outcome.status === 404) {
        this.setStatus("Not saved: this exercise no longer asks for dates.", true);
      } else {
        return false;
      }
      return true;
    }
  }

  for (const section of form.querySelectorAll("[data-answer-field]")) {
    savers.push(new Field(section));
  }
  for (const box of form.querySelectorAll("[data-commitment-dates]")) {
    savers.push(new Dates(box));
  }

  // An answer over the limit stops the page's buttons: the message goes next to it, and
  // the focus to the first such answer. Returns whether any was too long.
  function stopTooLong() {
    const tooLong = savers.filter((saver) => saver instanceof Field && saver.isTooLong());
    for (const field of tooLong) {
      field.showTooLong();
    }
    if (tooLong.length) {
      tooLong[0].textarea.focus();
    }
    return tooLong.length > 0;
  }

  function saveAll() {
    stopTooLong();
    for (const saver of savers) {
      if (!saver.isDirty() && !saver.conflict && !saver.isDisabled()) {
        saver.setStatus(saver.status.textContent || "No changes to save.");
      }
      saver.saveNow();
    }
  }

  // Submitting posts the whole form, so it needs the current CSRF token (signing in
  // again in another tab replaced the one the page came with): fetch it, then submit
  // for real. If the course cannot be reached the page stays, with everything on it.
  let submitting = false;
  let tokenIsFresh = false;
  form.addEventListener("submit", (event) => {
    const submitter = event.submitter;
    if (submitter?.hasAttribute("data-save-all")) {
      event.preventDefault();
      saveAll();
      return;
    }
    if (tokenIsFresh) {
      leavingByForm = true;
      return;
    }
    event.preventDefault();
    if (submitting || stopTooLong()) {
      return;
    }
    submitting = true;
    refreshCsrfToken().then((reached) => {
      submitting = false;
      if (!reached) {
        setPageStatus([
          document.createTextNode(
            "Not submitted: could not reach the course. Your text is still here; " +
              "try again in a moment.",
          ),
        ]);
        return;
      }
      tokenIsFresh = true;
      form.requestSubmit(submitter);
      tokenIsFresh = false;
    });
  });

  function retrySignedOut() {
    if (signedOut) {
      for (const saver of savers) {
        saver.saveNow();
      }
    }
  }
  window.addEventListener("focus", retrySignedOut);
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") {
      retrySignedOut();
    }
  });
  window.addEventListener("online", () => {
    for (const saver of savers) {
      saver.retryIfWaiting();
    }
  });

  window.addEventListener("beforeunload", (event) => {
    if (leavingByForm) {
      return;
    }
    const unsaved = savers.some((saver) => saver.isDirty() || saver.inFlight || saver.conflict);
    if (unsaved) {
      event.preventDefault();
      event.returnValue = "";
    }
  });
})();
