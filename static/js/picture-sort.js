// Picture sort (after the Talking Mats idea), made for a small phone first:
// one card at a time, big, with three big faces under it; a face places the
// card and brings the next one. The sorted cards are shown as a summary under
// their faces, and choosing one brings it back to change it.
//
// The card's own radio buttons (the plain form, kept but hidden) still hold
// the answer, so the page reads and sends it as it would without this script.
import { fill } from "./strings.js";

export function enhance(fieldset) {
  const sort = fieldset.querySelector("[data-sort]");
  if (!sort || sort.dataset.enhanced !== undefined) return;
  sort.dataset.enhanced = "";
  new PictureSort(fieldset, sort).start();
}

function element(tag, className, text) {
  const made = document.createElement(tag);
  if (className) made.className = className;
  if (text !== undefined) made.textContent = text;
  return made;
}

function pictureOf(container) {
  const picture = container.querySelector("img, svg");
  const copy = picture ? picture.cloneNode(true) : element("span");
  copy.setAttribute("aria-hidden", "true");
  return copy;
}

class PictureSort {
  constructor(fieldset, sort) {
    this.fieldset = fieldset;
    this.sort = sort;
    this.words = sort.dataset;
    this.idPrefix = `sort-${fieldset.dataset.key}`;
    this.cards = [...sort.querySelectorAll("[data-sort-card]")].map((card) => ({
      value: card.dataset.sortCard,
      label: card.dataset.label,
      title: card.querySelector("legend"),
      radios: [...card.querySelectorAll("input[type=radio]")],
    }));
    this.columns = this.cards[0].radios.map((radio) => ({
      value: radio.value,
      label: radio.dataset.label,
      face: radio.closest("label"),
    }));
    // Cards the child chose to leave for now ("Skip this picture").
    this.passed = new Set();
    this.current = null;
    this.placing = false;
  }

  start() {
    this.sort.querySelector("[data-sort-cards]").hidden = true;
    this.buildStage();
    this.buildSummary();
    this.announcer = element("p", "visually-hidden");
    this.announcer.setAttribute("aria-live", "polite");
    this.announcer.dataset.sortAnnouncer = "";
    this.sort.append(this.stage, this.done, this.summary, this.announcer);
    // Answers cleared or set from outside (Skip this question, a follow-on
    // question no longer shown): start again from what the radios hold.
    this.sort.addEventListener("change", () => {
      if (this.placing) return;
      if (!this.cards.some((card) => this.placedIn(card))) this.passed.clear();
      this.current = this.nextIndex(-1);
      this.render();
    });
    this.current = this.nextIndex(-1);
    this.render();
  }

  buildStage() {
    this.stage = element("div", "sort-stage");
    this.stage.dataset.sortStage = "";
    this.stage.setAttribute("role", "group");
    this.stage.setAttribute("aria-labelledby", `${this.idPrefix}-count ${this.idPrefix}-title`);
    this.count = element("p", "sort-count");
    this.count.id = `${this.idPrefix}-count`;
    this.title = element("p", "sort-stage-card");
    this.title.id = `${this.idPrefix}-title`;
    const faces = element("div", "sort-faces");
    this.faceButtons = this.columns.map((column) => {
      const button = element("button", `sort-face sort-face-${column.value}`);
      button.type = "button";
      button.append(pictureOf(column.face), element("span", "sort-face-label", column.label));
      button.addEventListener("click", () => this.place(column));
      faces.append(button);
      return button;
    });
    this.passButton = element("button", "button button-secondary button-small sort-pass", this.words.skipPicture);
    this.passButton.type = "button";
    this.passButton.addEventListener("click", () => this.pass());
    const passRow = element("p", "sort-pass-row");
    passRow.append(this.passButton);
    this.stage.append(this.count, this.title, faces, passRow);
    this.done = element("p", "sort-done", this.words.allDone);
    this.done.tabIndex = -1;
    this.done.hidden = true;
  }

  buildSummary() {
    this.summary = element("div", "sort-summary");
    this.summary.dataset.sortSummary = "";
    const heading = element("p", "sort-summary-heading", this.words.summaryHeading);
    heading.id = `${this.idPrefix}-summary`;
    const groups = element("ul", "sort-groups");
    groups.setAttribute("aria-labelledby", heading.id);
    this.groups = new Map();
    const addGroup = (key, picture, label) => {
      const group = element("li", "sort-group");
      group.dataset.sortGroup = key;
      const groupHeading = element("p", "sort-group-heading");
      groupHeading.id = `${this.idPrefix}-group-${key}`;
      if (picture) groupHeading.append(picture);
      groupHeading.append(element("span", "", label));
      const list = element("ul", "sort-group-cards");
      list.setAttribute("aria-labelledby", groupHeading.id);
      group.append(groupHeading, list);
      groups.append(group);
      this.groups.set(key, { group, list });
    };
    this.columns.forEach((column) => addGroup(column.value, pictureOf(column.face), column.label));
    addGroup("", null, this.words.notChosen);
    this.summary.append(heading, groups);
  }

  placedIn(card) {
    const chosen = card.radios.find((radio) => radio.checked);
    return chosen ? this.columns.find((column) => column.value === chosen.value) : null;
  }

  // The next card still to place after `index`, going round; null when none.
  nextIndex(index) {
    const total = this.cards.length;
    for (let step = 1; step <= total; step += 1) {
      const candidate = (index + step + total) % total;
      const card = this.cards[candidate];
      if (!this.placedIn(card) && !this.passed.has(card.value)) return candidate;
    }
    return null;
  }

  place(column) {
    const card = this.cards[this.current];
    const radio = card.radios.find((each) => each.value === column.value);
    this.placing = true;
    radio.checked = true;
    radio.dispatchEvent(new Event("change", { bubbles: true }));
    this.placing = false;
    this.passed.delete(card.value);
    this.moveOn(`${card.label}: ${column.label}.`);
  }

  pass() {
    const card = this.cards[this.current];
    this.passed.add(card.value);
    this.moveOn("");
  }

  moveOn(said) {
    this.current = this.nextIndex(this.current);
    this.render();
    if (this.current === null) {
      this.announcer.textContent = said;
      this.done.focus();
      return;
    }
    const next = this.cards[this.current];
    this.announcer.textContent = `${said} ${this.count.textContent}: ${next.label}`.trim();
    this.say(next.label);
  }

  show(index) {
    this.current = index;
    this.passed.delete(this.cards[index].value);
    this.render();
    const chosen = this.faceButtons.find((button) => button.getAttribute("aria-pressed") === "true");
    (chosen || this.faceButtons[0]).focus();
    this.say(this.cards[index].label);
  }

  // Asks the page to read a card's name aloud, when reading aloud is on.
  say(text) {
    this.fieldset.dispatchEvent(new CustomEvent("survey:say", { bubbles: true, detail: { text } }));
  }

  render() {
    const card = this.current === null ? null : this.cards[this.current];
    this.stage.hidden = card === null;
    this.done.hidden = card !== null;
    if (card) {
      this.count.textContent = fill(this.words.pictureNOfTotal, { n: this.current + 1, total: this.cards.length });
      this.title.replaceChildren(pictureOf(card.title), element("span", "sort-stage-label", card.label));
      const placed = this.placedIn(card);
      this.faceButtons.forEach((button, index) => {
        button.setAttribute("aria-pressed", String(placed === this.columns[index]));
      });
    }
    this.renderSummary();
  }

  renderSummary() {
    this.groups.forEach(({ list }) => list.replaceChildren());
    let shown = 0;
    this.cards.forEach((card, index) => {
      const column = this.placedIn(card);
      if (!column && !this.passed.has(card.value)) return;
      const button = element("button", "sort-summary-card");
      button.type = "button";
      button.dataset.card = card.value;
      button.setAttribute(
        "aria-label",
        column ? fill(this.words.changeCard, { card: card.label, column: column.label }) : fill(this.words.chooseCard, { card: card.label }),
      );
      button.append(pictureOf(card.title), element("span", "", card.label));
      button.addEventListener("click", () => this.show(index));
      const item = element("li");
      item.append(button);
      this.groups.get(column ? column.value : "").list.append(item);
      shown += 1;
    });
    this.groups.forEach(({ group, list }) => (group.hidden = !list.children.length));
    this.summary.hidden = shown === 0;
  }
}
