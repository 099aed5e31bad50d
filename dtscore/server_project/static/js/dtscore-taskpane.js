// dtscore task pane: after each press of "Tính lại & kiểm tra" (run by xlwings' own xw-click
// binding), show the one-line result the button wrote into the "Kiểm tra" sheet (cell A2).
// xw-click disables the button while the script runs; its re-enabling marks the end of a run.
const button = document.getElementById("dtscore-nut-kiem-tra");
const result = document.getElementById("dtscore-ket-qua");

async function readSummary() {
  return Excel.run(async (context) => {
    const sheet = context.workbook.worksheets.getItemOrNullObject("Kiểm tra");
    await context.sync();
    if (sheet.isNullObject) {
      return null;
    }
    const cell = sheet.getRange("A2").load("values");
    await context.sync();
    const text = cell.values?.[0]?.[0];
    return typeof text === "string" ? text : null;
  });
}

new MutationObserver(async () => {
  if (button.hasAttribute("disabled")) {
    result.textContent = "Đang tính lại và kiểm tra…";
    return;
  }
  let summary = null;
  try {
    summary = await readSummary();
  } catch (error) {
    console.error(error);
  }
  const time = new Date().toLocaleTimeString("vi-VN");
  result.textContent = summary ? `${time}: ${summary}` : `${time}: xem trang “Kiểm tra” trong sổ tính.`;
}).observe(button, { attributes: true, attributeFilter: ["disabled"] });
