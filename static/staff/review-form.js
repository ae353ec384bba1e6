// Recording a review: once an age band is chosen, only the child's surveys
// that fit it stay on offer (the server refuses the others anyway), and the
// list of which survey fits which band shows just the chosen band.

const form = document.querySelector("form.review-form");

function offerFor(band) {
  for (const box of form.querySelectorAll("input[data-age-bands]")) {
    const fits = box.dataset.ageBands.split(" ").includes(band);
    box.closest("label").hidden = !fits;
    if (!fits) box.checked = false;
  }
  for (const item of form.querySelectorAll("[data-for-band]")) {
    item.hidden = item.dataset.forBand !== band;
  }
}

if (form) {
  for (const radio of form.querySelectorAll("input[name=age_band]")) {
    radio.addEventListener("change", () => offerFor(radio.value));
  }
  const chosen = form.querySelector("input[name=age_band]:checked");
  if (chosen) offerFor(chosen.value);
}
