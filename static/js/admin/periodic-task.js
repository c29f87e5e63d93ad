"use strict";
// The admin's periodic task form: say what the chosen crontab means, in words (django-celery-beat's script, as a
// file for the Content-Security-Policy; text, never HTML).
(function () {
  const crontabs = document.getElementById("readable-crontabs");
  const field = document.querySelector(".field-crontab");
  if (!crontabs || !field) {
    return;
  }
  const readable = JSON.parse(crontabs.textContent);
  const helpData = document.getElementById("crontab-help");
  const originalHelp = helpData ? JSON.parse(helpData.textContent) : "";
  const translationRow = document.querySelector(".field-crontab_translation");
  if (translationRow) {
    translationRow.style.display = "none";
  }
  field.addEventListener("change", function () {
    const select = document.getElementById("id_crontab");
    const help = field.querySelector(".help");
    if (!select || !help) {
      return;
    }
    help.textContent = originalHelp;
    help.append(document.createElement("br"), "Translation: " + (readable[select.value] || ""));
  });
})();
