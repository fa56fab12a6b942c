/*
 * Saves each answer on the exercise page as the practitioner types: a couple of
 * seconds after they stop, and when they leave the field. Without this script the
 * page's Save button posts the whole form and nothing is lost either.
 *
 * Nothing typed is ever written to the browser's own storage: the text stays in
 * the page until the server has it. A failed save is retried with back-off; a save
 * made while signed out waits, polling, until the person signs in again (in another
 * tab) and then goes through; a save based on an older version than the server's
 * shows both texts and lets the person choose or combine them. The commitment's two
 * dates (exercise 4) are saved the same way once both are filled in.
 */
(function () {
  "use strict";

  var form = document.querySelector("form[data-autosave]");
  if (!form) {
    return;
  }

  var TYPING_PAUSE = 2000;
  var DATE_PAUSE = 1500;
  var FIRST_RETRY = 2000;
  var LONGEST_RETRY = 30000;
  var SIGNED_OUT_POLL = 3000;
  var csrfInput = form.querySelector("input[name=csrfmiddlewaretoken]");
  var pageStatus = form.querySelector("[data-page-status]");
  var conflictTemplate = document.getElementById("answer-conflict-template");
  var fields = [];
  var leavingByForm = false;
  var signedOut = false;

  function cookie(name) {
    var found = document.cookie.split(";").map(function (part) {
      return part.trim();
    }).filter(function (part) {
      return part.indexOf(name + "=") === 0;
    })[0];
    return found ? decodeURIComponent(found.slice(name.length + 1)) : "";
  }

  function csrfToken() {
    return cookie("csrftoken") || (csrfInput ? csrfInput.value : "");
  }

  // Signing in again replaces the CSRF token: fetch the current one before retrying.
  function refreshCsrfToken() {
    return fetch(form.dataset.csrfUrl, {credentials: "same-origin", cache: "no-store"})
      .then(function (response) {
        return response.ok ? response.json() : null;
      })
      .then(function (data) {
        if (data && data.token && csrfInput) {
          csrfInput.value = data.token;
        }
      })
      .catch(function () {});
  }

  function setPageStatus(nodes, ok) {
    pageStatus.replaceChildren.apply(pageStatus, nodes);
    pageStatus.classList.toggle("is-ok", Boolean(ok));
  }

  function showSignedOut() {
    if (signedOut) {
      return;
    }
    signedOut = true;
    var link = document.createElement("a");
    link.href = form.dataset.loginUrl;
    link.target = "_blank";
    link.rel = "noopener";
    link.textContent = "Sign in again in a new tab";
    setPageStatus([
      document.createTextNode(
        "You have been signed out, so your latest changes are not saved yet. " +
        "Your text is still here. "
      ),
      link,
      document.createTextNode(
        ", then come back to this tab: what you wrote will be saved without typing it again."
      )
    ]);
  }

  function showSignedIn() {
    if (!signedOut) {
      return;
    }
    signedOut = false;
    setPageStatus([document.createTextNode("You are signed in again. Your answers are saved.")], true);
  }

  function Field(section) {
    this.section = section;
    this.url = section.dataset.url;
    this.textarea = section.querySelector("[data-answer-text]");
    this.versionInput = section.querySelector("[data-answer-version]");
    this.status = section.querySelector("[data-answer-status]");
    this.version = Number(this.versionInput.value);
    this.timer = null;
    this.inFlight = false;
    this.again = false;
    this.retryDelay = 0;
    this.conflict = null;
    this.resolved = false;
    var exact = document.getElementById(this.textarea.id + "-exact");
    if (exact) {
      // Text holding a NUL cannot travel in HTML; the exact text comes as JSON.
      this.textarea.value = JSON.parse(exact.textContent);
    }
    this.savedText = this.textarea.value;
    var existing = section.querySelector("[data-conflict]");
    if (existing) {
      this.adoptConflict(existing, Number(existing.querySelector("[data-conflict-version]").value),
        existing.querySelector("[data-conflict-saved]").value);
    }
    this.textarea.addEventListener("input", this.onInput.bind(this));
    this.textarea.addEventListener("blur", this.saveNow.bind(this));
  }

  Field.prototype.isDirty = function () {
    return this.textarea.value !== this.savedText;
  };

  Field.prototype.isDisabled = function () {
    return this.textarea.disabled;
  };

  Field.prototype.setStatus = function (text, problem) {
    this.status.textContent = text;
    this.status.classList.toggle("is-problem", Boolean(problem));
  };

  Field.prototype.onInput = function () {
    if (this.conflict) {
      this.conflict.mine.value = this.textarea.value;
      return;
    }
    this.schedule(TYPING_PAUSE);
  };

  Field.prototype.schedule = function (delay) {
    window.clearTimeout(this.timer);
    this.timer = window.setTimeout(this.save.bind(this), delay);
  };

  Field.prototype.saveNow = function () {
    window.clearTimeout(this.timer);
    this.save();
  };

  Field.prototype.save = function () {
    if (this.conflict || this.textarea.disabled) {
      return;
    }
    if (this.inFlight) {
      this.again = true;
      return;
    }
    if (!this.isDirty()) {
      return;
    }
    var field = this;
    var text = this.textarea.value;
    this.inFlight = true;
    this.setStatus("Saving…");
    this.post(text, this.version, this.resolved, true)
      .then(function (outcome) {
        field.inFlight = false;
        field.handle(outcome, text);
        if (field.again) {
          field.again = false;
          field.save();
        }
      });
  };

  // Resolves to {status, data}; status 0 when the network failed. `resolved` marks the
  // save that settles a conflict: the server keeps it as its own history entry rather
  // than folding it into the autosave before it.
  Field.prototype.post = function (text, version, resolved, mayRefreshToken) {
    var body = {text: text, version: version};
    if (resolved) {
      body.resolved = true;
    }
    return postJson(this.url, body, mayRefreshToken);
  };

  function postJson(url, body, mayRefreshToken) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      cache: "no-store",
      headers: {
        "Content-Type": "application/json",
        "Accept": "application/json",
        "X-CSRFToken": csrfToken()
      },
      body: JSON.stringify(body)
    }).then(function (response) {
      if (response.status === 403 && mayRefreshToken) {
        return refreshCsrfToken().then(function () {
          return postJson(url, body, false);
        });
      }
      return response.json().then(function (data) {
        return {status: response.status, data: data};
      }, function () {
        return {status: response.status, data: {}};
      });
    }, function () {
      return {status: 0, data: {}};
    });
  }

  Field.prototype.handle = function (outcome, text) {
    var data = outcome.data;
    if (outcome.status === 200) {
      this.retryDelay = 0;
      this.resolved = false;
      this.version = data.version;
      this.versionInput.value = data.version;
      this.savedText = text;
      showSignedIn();
      this.setStatus(data.saved_at_label ? "Saved at " + data.saved_at_label : "Saved");
      if (this.isDirty()) {
        this.schedule(TYPING_PAUSE);
      }
    } else if (outcome.status === 409) {
      this.retryDelay = 0;
      showSignedIn();
      this.showConflict(data);
    } else if (outcome.status === 401) {
      showSignedOut();
      this.setStatus("Not saved: you are signed out. Your text is still here.", true);
      this.schedule(SIGNED_OUT_POLL);
    } else if (outcome.status === 400) {
      this.setStatus(data.message || "Not saved: the answer could not be saved.", true);
    } else if (outcome.status === 404) {
      this.setStatus("Not saved: this question is no longer part of the exercise. " +
        "Copy your text somewhere safe.", true);
    } else {
      this.retryDelay = Math.min(Math.max(FIRST_RETRY, this.retryDelay * 2), LONGEST_RETRY);
      this.setStatus("Not saved: retrying in " + Math.round(this.retryDelay / 1000) +
        " seconds. Your text is still here.", true);
      this.schedule(this.retryDelay);
    }
  };

  Field.prototype.showConflict = function (data) {
    var holder = document.createElement("div");
    var key = this.section.dataset.key;
    holder.appendChild(conflictTemplate.content.cloneNode(true));
    holder.querySelectorAll("[id], [for], [name], [aria-labelledby]").forEach(function (el) {
      ["id", "for", "name", "aria-labelledby"].forEach(function (attribute) {
        var value = el.getAttribute(attribute);
        if (value) {
          el.setAttribute(attribute, value.split("__key__").join(key));
        }
      });
    });
    var box = holder.querySelector("[data-conflict]");
    box.querySelector("[data-conflict-saved-at]").textContent =
      data.saved_at_label ? " (saved at " + data.saved_at_label + ")" : "";
    box.querySelector("[data-conflict-mine]").value = this.textarea.value;
    box.querySelector("[data-conflict-saved]").value = data.text;
    box.querySelector("[data-conflict-merged]").value = this.textarea.value + "\n\n" + data.text;
    this.section.insertBefore(box, this.status.nextSibling);
    this.adoptConflict(box, data.version, data.text);
    this.setStatus(data.message || "Not saved: this answer was also changed elsewhere.", true);
  };

  Field.prototype.adoptConflict = function (box, version, savedText) {
    var field = this;
    this.conflict = {
      box: box,
      version: version,
      savedText: savedText,
      mine: box.querySelector("[data-conflict-mine]"),
      merged: box.querySelector("[data-conflict-merged]")
    };
    box.querySelectorAll("[data-resolve]").forEach(function (button) {
      button.addEventListener("click", function (event) {
        event.preventDefault();
        field.resolve(button.dataset.resolve);
      });
    });
  };

  Field.prototype.resolve = function (choice) {
    var conflict = this.conflict;
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
    this.resolved = this.isDirty();
    conflict.box.remove();
    this.textarea.focus();
    this.saveNow();
  };

  // The commitment's dates: saved together, a moment after either changes (typing a
  // year digit by digit makes several dates on the way) and when the focus leaves them.
  function Dates(box) {
    this.box = box;
    this.url = box.dataset.url;
    this.inputs = Array.prototype.slice.call(box.querySelectorAll("[data-commitment-date]"));
    this.status = box.querySelector("[data-dates-status]");
    this.timer = null;
    this.inFlight = false;
    this.again = false;
    this.retryDelay = 0;
    this.conflict = null;
    this.savedValues = this.values();
    var dates = this;
    this.inputs.forEach(function (input) {
      input.addEventListener("input", function () {
        dates.schedule(DATE_PAUSE);
      });
      input.addEventListener("change", function () {
        dates.schedule(DATE_PAUSE);
      });
      input.addEventListener("blur", function (event) {
        if (!box.contains(event.relatedTarget)) {
          dates.saveNow();
        }
      });
    });
  }

  Dates.prototype.values = function () {
    var values = {};
    this.inputs.forEach(function (input) {
      values[input.dataset.commitmentDate] = input.value;
    });
    return values;
  };

  Dates.prototype.isDirty = function () {
    return JSON.stringify(this.values()) !== JSON.stringify(this.savedValues);
  };

  Dates.prototype.isComplete = function () {
    return this.inputs.every(function (input) {
      return input.value !== "";
    });
  };

  Dates.prototype.isDisabled = function () {
    return false;
  };

  Dates.prototype.setStatus = Field.prototype.setStatus;
  Dates.prototype.schedule = Field.prototype.schedule;
  Dates.prototype.saveNow = Field.prototype.saveNow;

  Dates.prototype.markInvalid = function (errors) {
    this.inputs.forEach(function (input) {
      var wrong = Boolean(errors && errors[input.dataset.commitmentDate]);
      input.classList.toggle("is-invalid", wrong);
      if (wrong) {
        input.setAttribute("aria-invalid", "true");
      } else {
        input.removeAttribute("aria-invalid");
      }
    });
  };

  Dates.prototype.save = function () {
    if (this.inFlight) {
      this.again = true;
      return;
    }
    if (!this.isDirty()) {
      return;
    }
    if (!this.isComplete()) {
      this.setStatus("Fill in both dates to save them.");
      return;
    }
    var dates = this;
    var values = this.values();
    this.inFlight = true;
    this.setStatus("Saving the dates…");
    postJson(this.url, values, true).then(function (outcome) {
      dates.inFlight = false;
      dates.handle(outcome, values);
      if (dates.again) {
        dates.again = false;
        dates.save();
      }
    });
  };

  Dates.prototype.handle = function (outcome, values) {
    var data = outcome.data;
    if (outcome.status === 200) {
      this.retryDelay = 0;
      this.resolved = false;
      this.savedValues = values;
      this.markInvalid(null);
      showSignedIn();
      this.setStatus(data.saved_at_label ? "Dates saved at " + data.saved_at_label : "Dates saved");
      if (this.isDirty()) {
        this.schedule(DATE_PAUSE);
      }
    } else if (outcome.status === 401) {
      showSignedOut();
      this.setStatus("Not saved: you are signed out. Your dates are still here.", true);
      this.schedule(SIGNED_OUT_POLL);
    } else if (outcome.status === 400) {
      // Not saved, so still different from what is saved: the next change tries again.
      this.markInvalid(data.errors);
      this.setStatus(data.message || "Not saved: the dates could not be saved.", true);
    } else if (outcome.status === 404) {
      this.setStatus("Not saved: this exercise no longer asks for dates.", true);
    } else {
      this.retryDelay = Math.min(Math.max(FIRST_RETRY, this.retryDelay * 2), LONGEST_RETRY);
      this.setStatus("Not saved: retrying in " + Math.round(this.retryDelay / 1000) +
        " seconds. Your dates are still here.", true);
      this.schedule(this.retryDelay);
    }
  };

  form.querySelectorAll("[data-answer-field]").forEach(function (section) {
    fields.push(new Field(section));
  });
  form.querySelectorAll("[data-commitment-dates]").forEach(function (box) {
    fields.push(new Dates(box));
  });

  form.addEventListener("submit", function (event) {
    if (event.submitter && event.submitter.hasAttribute("data-save-all")) {
      event.preventDefault();
      fields.forEach(function (field) {
        if (!field.isDirty() && !field.conflict && !field.isDisabled()) {
          field.setStatus(field.status.textContent || "No changes to save.");
        }
        field.saveNow();
      });
      return;
    }
    leavingByForm = true;
  });

  function retrySignedOut() {
    if (signedOut) {
      fields.forEach(function (field) {
        field.saveNow();
      });
    }
  }
  window.addEventListener("focus", retrySignedOut);
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible") {
      retrySignedOut();
    }
  });

  window.addEventListener("beforeunload", function (event) {
    if (leavingByForm) {
      return;
    }
    var unsaved = fields.some(function (field) {
      return field.isDirty() || field.inFlight || field.conflict;
    });
    if (unsaved) {
      event.preventDefault();
      event.returnValue = "";
    }
  });
}());
