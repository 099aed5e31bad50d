// A small stand-in for Office.js, served in place of office.js when the task pane is tested in headless
// Chromium (tests/test_taskpane_browser.py): enough for xlwings' task pane code to start and for a press
// of "Tính lại & kiểm tra" to send its request. The workbook is empty: any Excel object is a proxy whose
// collections have no items and whose lookups find nothing; sync() resolves at once.
(function () {
  const FIXED = {
    items: [],
    isNullObject: true,
    position: 0,
    name: "Bảng chấm điểm.xlsx",
    address: "'Chấm điểm'!A1",
    values: [[""]],
    numberFormat: [["General"]],
    formulas: [[""]],
    rowCount: 1,
    columnCount: 1,
    calculationMode: "Automatic",
    visibility: "Visible",
    showGridlines: true,
  };
  function excelObject() {
    return new Proxy(function () {}, {
      get(target, prop) {
        if (prop === "then" || typeof prop === "symbol") return undefined; // not a promise
        if (prop === "sync") return async () => {};
        if (prop in FIXED) return FIXED[prop];
        return excelObject();
      },
      apply: () => excelObject(),
      construct: () => excelObject(),
    });
  }
  const context = excelObject();
  globalThis.Excel = {
    run: async (first, second) => (second || first)(context),
    RequestContext: function () {
      return context;
    },
  };
  const ready = { host: "Excel", platform: "OfficeOnline" };
  globalThis.Office = {
    onReady: (callback) => {
      if (callback) callback(ready);
      return Promise.resolve(ready);
    },
    context: {
      requirements: { isSetSupported: () => false },
      ui: { displayDialogAsync: () => {}, messageParent: () => {} },
    },
    actions: { associate: () => {} },
    addin: { showAsTaskpane: async () => {}, hide: async () => {} },
    HostType: { Excel: "Excel" },
    EventType: {},
  };
})();
