# Gỡ dtscore của người dùng đang đăng nhập: add-in trong XLSTART và thư mục %LOCALAPPDATA%\dtscore.
# Không đụng tới Python, Excel hay các tệp Excel của đơn vị. Chạy bằng GO-CAI-DAT.cmd.
$ErrorActionPreference = 'Continue'
[Console]::OutputEncoding = [System.Text.Encoding]::UTF8
$Root = Join-Path $env:LOCALAPPDATA 'dtscore'
$AddIn = Join-Path $env:APPDATA 'Microsoft\Excel\XLSTART\{{ADDIN}}'

if (Get-Process -Name EXCEL -ErrorAction SilentlyContinue) {
    Read-Host 'Excel đang mở: lưu công việc, đóng Excel rồi nhấn Enter'
}
if (Test-Path -LiteralPath $AddIn) { Remove-Item -Force -LiteralPath $AddIn; Write-Host "Đã gỡ add-in: $AddIn" }
if (Test-Path -LiteralPath $Root) { Remove-Item -Recurse -Force -LiteralPath $Root; Write-Host "Đã xóa: $Root" }
if ((Test-Path -LiteralPath $AddIn) -or (Test-Path -LiteralPath $Root)) {
    Write-Host 'Chưa gỡ hết (Excel còn chạy?). Đóng Excel rồi chạy lại GO-CAI-DAT.cmd.' -ForegroundColor Red
} else {
    Write-Host 'Đã gỡ dtscore.' -ForegroundColor Green
}
Read-Host 'Nhấn Enter để đóng'
