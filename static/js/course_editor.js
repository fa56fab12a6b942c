"use strict";

// The lesson editor (django-markdownx) turns the Tab key into indenting the text, which
// would trap a keyboard user in the text box. Tab keeps moving to the next field: this
// listener runs first (capture, on the window) and keeps the key from the editor.
window.addEventListener(
  "keydown",
  (event) => {
    if (event.key === "Tab" && event.target.classList?.contains("markdownx-editor")) {
      event.stopPropagation();
    }
  },
  true,
);
