// Refresh the reached-household count on a warning's checklist every 15 seconds.
(function () {
  const el = document.getElementById("reach-count");
  if (!el) return;
  const template = el.textContent.trim();
  async function refresh() {
    try {
      const r = await fetch(el.dataset.url, { credentials: "same-origin" });
      if (!r.ok) return;
      const c = await r.json();
      el.textContent = template.replace(/\d+/, c.reached).replace(/(\D+)\d+/, "$1" + c.total);
    } catch (e) { /* offline: keep the last count */ }
  }
  setInterval(refresh, 15000);
})();
