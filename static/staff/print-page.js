// "Print" on the one-page report. Without JavaScript the button stays
// hidden and the browser's own Print gives the same page.
for (const button of document.querySelectorAll("button.print-page")) {
  button.hidden = false;
  button.addEventListener("click", () => window.print());
}
