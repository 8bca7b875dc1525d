// Runs before the page is drawn (a plain, blocking script: the CSP allows no inline one), so a
// user who chose a theme never sees the other flash first. theme.js owns the choice.
try {
  const t = localStorage.getItem('banter.theme');
  if (t === 'light' || t === 'dark') document.documentElement.dataset.theme = t;
} catch { /* storage refused: follow the system */ }
