/*
 * Colleague search as an accessible combobox (WAI-ARIA combobox pattern, list
 * autocomplete): type part of a name, move through the matches with the arrow keys,
 * Enter chooses, Escape closes. Without this script the same field is a plain search
 * form that lists matching colleagues to pick from.
 *
 * Only names and teams come back from the server; nothing is stored in the browser.
 */
"use strict";

(() => {
  const DEBOUNCE_MS = 200;

  function setup(input) {
    const endpoint = input.dataset.endpoint;
    const status = document.getElementById(input.dataset.status);
    const chosenForm = document.getElementById(input.dataset.chosenForm);
    const chosenField = chosenForm.querySelector("input[name=colleague]");
    const chosenText = chosenForm.querySelector("[data-chosen-text]");
    const chosenButton = chosenForm.querySelector("[data-chosen-button]");

    const listbox = document.createElement("ul");
    listbox.id = `${input.id}-listbox`;
    listbox.className = "list-group position-absolute w-100 shadow-sm colleague-listbox";
    listbox.setAttribute("role", "listbox");
    listbox.setAttribute("aria-label", input.dataset.listboxLabel || "Matches");
    listbox.hidden = true;
    input.parentNode.appendChild(listbox);

    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", listbox.id);

    let results = [];
    let active = -1;
    let timer = null;
    let requestNumber = 0;

    function say(message) {
      if (status) status.textContent = message;
    }

    function options() {
      return listbox.querySelectorAll("[role=option]");
    }

    function close() {
      listbox.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function open() {
      if (!results.length) return;
      listbox.hidden = false;
      input.setAttribute("aria-expanded", "true");
    }

    function highlight(index) {
      const items = options();
      if (!items.length) return;
      active = (index + items.length) % items.length;
      items.forEach((item, i) => {
        const selected = i === active;
        item.setAttribute("aria-selected", selected ? "true" : "false");
        item.classList.toggle("active", selected);
      });
      input.setAttribute("aria-activedescendant", items[active].id);
      items[active].scrollIntoView({ block: "nearest" });
    }

    function label(person) {
      return person.team ? `${person.name}, ${person.team}` : person.name;
    }

    function render() {
      listbox.textContent = "";
      results.forEach((person, i) => {
        const item = document.createElement("li");
        item.id = `${input.id}-option-${i}`;
        item.className = "list-group-item list-group-item-action";
        item.setAttribute("role", "option");
        item.setAttribute("aria-selected", "false");
        item.textContent = label(person);
        item.addEventListener("mousedown", (event) => {
          event.preventDefault(); // keep focus in the field
        });
        item.addEventListener("click", () => {
          choose(i);
        });
        listbox.appendChild(item);
      });
      active = -1;
      input.removeAttribute("aria-activedescendant");
      if (results.length) {
        open();
        say(
          results.length +
            (results.length === 1 ? " colleague matches" : " colleagues match") +
            ". Use the down arrow to go through them.",
        );
      } else {
        close();
        say("No colleagues in your organisation match.");
      }
    }

    function choose(index) {
      const person = results[index];
      if (!person) return;
      input.value = person.name;
      close();
      chosenField.value = String(person.id);
      chosenText.textContent = `You have chosen ${label(person)}.`;
      chosenButton.textContent = `Invite ${person.name}`;
      chosenForm.hidden = false;
      say(`${person.name} chosen. Press Tab, then the Invite ${person.name} button.`);
    }

    function search() {
      const query = input.value.trim();
      if (!query) {
        results = [];
        listbox.textContent = "";
        close();
        say("");
        return;
      }
      const number = ++requestNumber;
      const url = `${endpoint}?q=${encodeURIComponent(query)}`;
      fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then((response) => {
          if (response.status === 429) {
            return response.json().then((data) => {
              throw new Error(data.error || "Too many searches. Wait a minute.");
            });
          }
          if (!response.ok) {
            // The endpoint answers JSON with a message (signed out, say) when it can.
            const fallback = "Search is not working just now. Press Search.";
            return response.json().then(
              (data) => {
                throw new Error(data.message || fallback);
              },
              () => {
                throw new Error(fallback);
              },
            );
          }
          return response.json();
        })
        .then((data) => {
          if (number !== requestNumber) return; // a newer search is on its way
          results = data.results || [];
          render();
        })
        .catch((error) => {
          if (number === requestNumber) say(error.message);
        });
    }

    input.addEventListener("input", () => {
      chosenForm.hidden = true;
      chosenField.value = "";
      window.clearTimeout(timer);
      timer = window.setTimeout(search, DEBOUNCE_MS);
    });

    input.addEventListener("keydown", (event) => {
      const expanded = input.getAttribute("aria-expanded") === "true";
      if (event.key === "ArrowDown") {
        event.preventDefault();
        if (!expanded) open();
        highlight(active + 1);
      } else if (event.key === "ArrowUp") {
        event.preventDefault();
        if (!expanded) open();
        highlight(active < 0 ? -1 : active - 1);
      } else if (event.key === "Enter") {
        if (expanded && active >= 0) {
          event.preventDefault();
          choose(active);
        }
      } else if (event.key === "Escape") {
        if (expanded) {
          event.preventDefault();
          close();
        } else if (input.value) {
          event.preventDefault();
          input.value = "";
        }
      }
    });

    input.addEventListener("blur", () => {
      window.setTimeout(close, 150);
    });
  }

  document.querySelectorAll("[data-colleague-search]").forEach(setup);
})();
