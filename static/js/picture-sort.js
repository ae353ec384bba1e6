// Picture sort (after the Talking Mats idea): topic cards placed under good /
// not sure / not good. The radio buttons on each card hold the answer, so tap
// and keyboard work as they do anywhere; this module adds the board (each
// card moves under its column) and dragging a card onto a column.
const DRAG_THRESHOLD_PX = 8;

export function setUpPictureSort(root = document) {
  root.querySelectorAll("[data-sort-board]").forEach(enhanceBoard);
}

function enhanceBoard(board) {
  const tray = board.querySelector("[data-sort-tray]");
  const columns = [...board.querySelectorAll("[data-sort-column]")];
  const cards = [...board.querySelectorAll("[data-sort-card]")];
  const announcer = board.querySelector("[data-sort-announcer]");
  board.classList.add("is-board");

  const place = (card, { announce }) => {
    const chosen = card.querySelector("input:checked");
    const target = chosen ? columns.find((column) => column.dataset.sortColumn === chosen.value) : null;
    const list = (target || tray).querySelector("[data-sort-list]");
    if (card.parentElement !== list) {
      const hadFocus = card.contains(document.activeElement) ? document.activeElement : null;
      list.append(card);
      if (hadFocus) hadFocus.focus();
    }
    if (announce && announcer && target) {
      announcer.textContent = `${card.dataset.label}: ${target.dataset.label}`;
    }
    tray.classList.toggle("is-empty", !tray.querySelector("[data-sort-card]"));
  };

  cards.forEach((card) => {
    place(card, { announce: false });
    card.addEventListener("change", () => place(card, { announce: true }));
    enableDragging(card, columns, (column) => {
      const radio = card.querySelector(`input[value="${column.dataset.sortColumn}"]`);
      radio.checked = true;
      radio.dispatchEvent(new Event("change", { bubbles: true }));
    });
  });
}

function enableDragging(card, columns, onDrop) {
  const handle = card.querySelector("[data-sort-handle]");
  let start = null;
  let dragging = false;

  const columnAt = (x, y) => {
    // Look under the dragged card, not at it.
    card.style.visibility = "hidden";
    const hit = document.elementFromPoint(x, y);
    card.style.visibility = "";
    return hit ? columns.find((column) => column.contains(hit)) || null : null;
  };
  const highlight = (column) => columns.forEach((each) => each.classList.toggle("is-target", each === column));

  handle.addEventListener("pointerdown", (event) => {
    if (event.button !== 0) return;
    start = { x: event.clientX, y: event.clientY };
    handle.setPointerCapture(event.pointerId);
  });
  handle.addEventListener("pointermove", (event) => {
    if (!start) return;
    const dx = event.clientX - start.x;
    const dy = event.clientY - start.y;
    if (!dragging && Math.hypot(dx, dy) < DRAG_THRESHOLD_PX) return;
    dragging = true;
    card.classList.add("is-dragging");
    card.style.transform = `translate(${dx}px, ${dy}px)`;
    highlight(columnAt(event.clientX, event.clientY));
  });
  const finish = (event) => {
    if (!start) return;
    const column = dragging ? columnAt(event.clientX, event.clientY) : null;
    start = null;
    dragging = false;
    card.classList.remove("is-dragging");
    card.style.transform = "";
    highlight(null);
    if (column) onDrop(column);
  };
  handle.addEventListener("pointerup", finish);
  handle.addEventListener("pointercancel", finish);
}
