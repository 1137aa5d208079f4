// Progressive enhancement only: every page works without this file.
// A "copy" button beside a citation, where the browser lets pages write to the clipboard.
document.querySelectorAll("[data-copy]").forEach((source) => {
  if (!navigator.clipboard) return;
  const button = document.createElement("button");
  button.type = "button";
  button.textContent = "Copy";
  button.addEventListener("click", async () => {
    await navigator.clipboard.writeText(source.textContent.trim());
    button.textContent = "Copied";
  });
  source.after(button);
});
