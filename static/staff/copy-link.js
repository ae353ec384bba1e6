// "Copy link" and "Print slips" on the page of new survey links. Without
// JavaScript the buttons stay hidden: each link is plain selectable text and
// the browser's own Print gives the slips.

function selectText(element) {
  const range = document.createRange();
  range.selectNodeContents(element);
  const selection = window.getSelection();
  selection.removeAllRanges();
  selection.addRange(range);
}

async function copyLink(button) {
  const link = document.getElementById(button.dataset.link);
  const status = button.parentElement.querySelector(".copy-status");
  try {
    await navigator.clipboard.writeText(link.textContent.trim());
    status.textContent = "Link copied.";
  } catch {
    // No clipboard here (an insecure page, or permission refused): select it instead.
    selectText(link);
    status.textContent = "The link is selected: copy it with your device's Copy.";
  }
}

for (const button of document.querySelectorAll("button.copy-link")) {
  button.hidden = false;
  button.addEventListener("click", () => copyLink(button));
}

for (const button of document.querySelectorAll("button.print-slips")) {
  button.hidden = false;
  button.addEventListener("click", () => window.print());
}
