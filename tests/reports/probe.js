// Installed into each rendered page as window.__tw by tests/reports/rendered.py: reads what
// the page shows from the DOM, and the charts from the registry Evidence keeps for debugging
// (window[Symbol.for('__evidence-chart-window-debug__')]). Evaluated as one expression.
(() => {
  const text = (el) => (el ? el.innerText.replace(/\s+/g, ' ').trim() : null);
  const headings = () => [...document.querySelectorAll('article h1, article h2, article h3, main h1, main h2, main h3')];
  const headingOf = (el) => {
    let found = null;
    for (const h of headings()) {
      if (h.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_FOLLOWING) found = h;
    }
    return text(found);
  };
  // Visible tables only (DataTable keeps a hidden copy for its full-screen view). Rows are
  // the table's own <tr>s outside <thead> (Svelte builds the DOM: there is no <tbody>).
  const tables = () => [...document.querySelectorAll('table')].filter((t) => t.getClientRects().length).map((table) => {
    const headerRows = table.querySelectorAll('thead tr');
    const headers = [...(headerRows[headerRows.length - 1]?.querySelectorAll('th') ?? [])].map(text);
    const rows = [...table.querySelectorAll(':scope > tr, :scope > tbody > tr')].map((tr) => {
      const cells = [...tr.querySelectorAll('td')].map(text);
      const row = {};
      headers.forEach((h, i) => { if (h && h !== 'Links') row[h] = cells[i] ?? null; });
      const link = tr.querySelector('a[href]');
      row.__link = link ? link.getAttribute('href') : null;
      return row;
    });
    return { heading: headingOf(table), headers: headers.filter((h) => h && h !== 'Links'), rows };
  });
  const bigValues = (root) => [...(root || document).querySelectorAll('div.inline-block.font-sans')]
    .filter((box) => box.querySelector('p.text-sm'))
    .map((box) => ({
      heading: headingOf(box),
      title: text(box.querySelector('p.text-sm')),
      value: text(box.querySelector('div.text-xl')),
      comparison: text(box.querySelector('p.text-xs')),
    }));
  // Dates (time axes) as ISO strings, so they survive the trip to Python.
  const plain = (v) => (Array.isArray(v) ? v.map(plain) : v instanceof Date ? v.toISOString() : v);
  const charts = () => {
    const registry = window[Symbol.for('__evidence-chart-window-debug__')] || {};
    return Object.values(registry).filter((c) => !c.isDisposed()).map((chart) => {
      const option = chart.getOption();
      const dom = chart.getDom();
      return {
        heading: headingOf(dom),
        series: option.series.map((s) => ({
          name: s.name ?? null,
          type: s.type,
          data: (s.data || []).map((d) => plain(Array.isArray(d) ? d : d && d.value !== undefined ? d.value : d)),
          markLine: s.markLine ? {
            data: (s.markLine.data || []).map((m) => m.yAxis ?? m.xAxis ?? null),
            lineType: s.markLine.lineStyle ? s.markLine.lineStyle.type : null,
          } : null,
        })),
        xAxisType: (option.xAxis || [])[0] ? option.xAxis[0].type : null,
        // what the x axis writes under each data point's x value (a time axis' labels)
        xLabels: (option.xAxis || [])[0] && typeof option.xAxis[0].axisLabel?.formatter === 'function'
          ? [...new Set(option.series.flatMap((s) => (s.data || []).map((d) => (Array.isArray(d) ? d[0] : null))))]
              .filter((x) => x !== null && x !== undefined)
              .map((x) => option.xAxis[0].axisLabel.formatter(x instanceof Date ? x.getTime() : x))
          : null,
        yAxisType: (option.yAxis || [])[0] ? option.yAxis[0].type : null,
        yCategories: (option.yAxis || [])[0] ? option.yAxis[0].data || null : null,
        xCategories: (option.xAxis || [])[0] ? option.xAxis[0].data || null : null,
      };
    });
  };
  const tooltip = (chartHeading, seriesIndex, dataIndex) => new Promise((resolve) => {
    const registry = window[Symbol.for('__evidence-chart-window-debug__')] || {};
    const chart = Object.values(registry).find((c) => headingOf(c.getDom()) === chartHeading);
    if (!chart) return resolve(null);
    chart.dispatchAction({ type: 'showTip', seriesIndex, dataIndex });
    setTimeout(() => {
      // ECharts keeps its tooltip in a div inside the chart's element.
      const box = [...chart.getDom().querySelectorAll('div')].find(
        (d) => d.style.zIndex && d.style.display !== 'none' && d.innerHTML.trim()
      );
      resolve(box ? { html: box.innerHTML, text: box.innerText, tags: [...box.querySelectorAll('*')].map((e) => e.tagName) } : null);
    }, 400);
  });
  // Evidence's Dropdown: a combobox button ("Title\nSelected label") opening a list of options.
  const dropdown = (title) => [...document.querySelectorAll('button[role=combobox]')]
    .find((b) => b.innerText.split('\n')[0].trim() === title);
  const openDropdown = (title) => { const b = dropdown(title); if (b) b.click(); return Boolean(b); };
  const option = (label) => [...document.querySelectorAll('[role=option]')].find((o) => o.dataset.value === label);
  const dropdownShows = (title, label) => Boolean(dropdown(title) && dropdown(title).innerText.includes(label));
  window.__tw = { text, tables, bigValues, charts, tooltip, headingOf, openDropdown, option, dropdownShows };
  return true;
})()
