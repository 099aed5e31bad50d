// Ribbon button "Tính lại & kiểm tra" (manifest: FunctionName hello-ribbon): the same script as
// the task pane button and the sheet button.
async function tinhLaiKiemTra(event) {
  const authResult =
    typeof globalThis.getAuth === "function" ? await globalThis.getAuth() : { token: "", provider: "" };
  await xlwings.runPython({
    auth: authResult.token,
    scriptName: "tinh_lai_kiem_tra",
    headers: { "Auth-Provider": authResult.provider },
  });
  event.completed();
}
Office.actions.associate("hello-ribbon", tinhLaiKiemTra);
