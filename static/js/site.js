// Progressive enhancement only: every page works without this file.
// A select marked data-autosubmit submits its form when changed, so the button is not needed.
document.addEventListener("change", (event) => {
  const select = event.target.closest("select[data-autosubmit]");
  if (select && select.form) select.form.requestSubmit();
});
