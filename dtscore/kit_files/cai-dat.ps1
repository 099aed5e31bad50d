# Cài dtscore {{VERSION}} cho người dùng đang đăng nhập: không cần quyền quản trị, không cần Internet.
# Chạy bằng CAI-DAT.cmd. Mọi thứ nằm trong %LOCALAPPDATA%\dtscore và thư mục XLSTART của Excel.
$ErrorActionPreference = 'Continue'
[Console]::OutputEncoding = [System.Text.Encoding]::UTF8
$Kit = Split-Path -Parent $MyInvocation.MyCommand.Path
$Root = Join-Path $env:LOCALAPPDATA 'dtscore'
$Venv = Join-Path $Root 'venv'
$VPy = Join-Path $Venv 'Scripts\python.exe'
$Log = Join-Path $env:TEMP 'dtscore-cai-dat.log'

function Fail([string]$Message) {
    Write-Host ''
    Write-Host "LỖI: $Message" -ForegroundColor Red
    Write-Host "Nhật ký: $Log"
    Read-Host 'Nhấn Enter để đóng'
    exit 1
}

function Find-Python {
    $candidates = @()
    if (Get-Command py.exe -ErrorAction SilentlyContinue) {
        $candidates += (& py.exe -{{PYTHON}} -c "import sys; print(sys.executable)" 2>$null)
    }
    $candidates += (Join-Path $env:LOCALAPPDATA 'Programs\Python\{{PYDIR}}\python.exe')
    $candidates += (Join-Path $env:ProgramFiles '{{PYDIR}}\python.exe')
    $onPath = Get-Command python.exe -ErrorAction SilentlyContinue
    if ($onPath) { $candidates += $onPath.Source }
    foreach ($c in $candidates) {
        if ($c -and (Test-Path -LiteralPath $c)) {
            $v = & $c -c "import sys, struct; print('%d.%d-%d' % (sys.version_info[0], sys.version_info[1], struct.calcsize('P') * 8))" 2>$null
            if ($v -eq '{{PYTHON}}-64') { return $c }
        }
    }
    return $null
}

Write-Host 'dtscore {{VERSION}} — cài đặt cho người dùng hiện tại' -ForegroundColor Cyan

if (Get-Process -Name EXCEL -ErrorAction SilentlyContinue) {
    Write-Host 'Excel đang mở. Hãy lưu công việc và đóng mọi cửa sổ Excel.'
    Read-Host 'Đóng Excel xong, nhấn Enter để tiếp tục'
    if (Get-Process -Name EXCEL -ErrorAction SilentlyContinue) { Fail 'Excel vẫn đang chạy — đóng Excel rồi chạy lại CAI-DAT.cmd.' }
}

Write-Host '[1/5] Kiểm tra bộ cài (mã SHA-256 trong SHA256SUMS.txt)...'
foreach ($line in Get-Content -Encoding UTF8 -LiteralPath (Join-Path $Kit 'SHA256SUMS.txt')) {
    if ($line -notmatch '^([0-9a-f]{64}) \*(.+)$') { continue }
    $expected = $Matches[1]; $name = $Matches[2]
    $file = Join-Path $Kit ($name -replace '/', '\')
    if (-not (Test-Path -LiteralPath $file)) { Fail "thiếu tệp $name — chép lại đủ cả thư mục bộ cài." }
    if ((Get-FileHash -Algorithm SHA256 -LiteralPath $file).Hash.ToLower() -ne $expected) {
        Fail "tệp $name bị hỏng (mã SHA-256 không khớp) — chép lại bộ cài."
    }
}

Write-Host '[2/5] Tìm Python {{PYTHON}} (64-bit)...'
$Python = Find-Python
if (-not $Python) {
    $installer = Get-ChildItem -LiteralPath $Kit -Filter 'python-{{PYTHON}}*amd64.exe' | Select-Object -First 1
    if (-not $installer) {
        Fail 'chưa có Python {{PYTHON}} 64-bit. Chép tệp cài Python {{PYTHON}} 64-bit cho Windows (xem HUONG-DAN-CAI-DAT.txt) vào thư mục bộ cài rồi chạy lại.'
    }
    Write-Host "     Cài $($installer.Name) cho riêng người dùng này (vài phút)..."
    $p = Start-Process -FilePath $installer.FullName -Wait -PassThru -ArgumentList @(
        '/passive', 'InstallAllUsers=0', 'Include_launcher=0', 'Include_test=0', 'PrependPath=0', 'Shortcuts=0')
    if ($p.ExitCode -ne 0) { Fail "cài Python không thành công (mã $($p.ExitCode))." }
    $Python = Find-Python
    if (-not $Python) { Fail 'đã cài Python nhưng không tìm thấy python.exe.' }
}
Write-Host "     $Python"

Write-Host "[3/5] Tạo môi trường Python riêng: $Venv"
if (Test-Path -LiteralPath $Venv) {
    Remove-Item -Recurse -Force -LiteralPath $Venv -ErrorAction SilentlyContinue
    if (Test-Path -LiteralPath $Venv) { Fail "không xóa được bản cài cũ $Venv — khởi động lại máy rồi chạy lại." }
}
New-Item -ItemType Directory -Force -Path $Root | Out-Null
& $Python -m venv $Venv *> $Log
if ($LASTEXITCODE -ne 0 -or -not (Test-Path -LiteralPath $VPy)) { Fail 'không tạo được môi trường Python.' }

Write-Host '[4/5] Cài dtscore và các gói kèm theo (không dùng Internet)...'
& $VPy -m pip install --no-index --find-links (Join-Path $Kit 'wheels') --disable-pip-version-check --no-warn-script-location (Join-Path $Kit 'wheels\{{PROJECT_WHEEL}}') *>> $Log
if ($LASTEXITCODE -ne 0) { Fail 'pip không cài được các gói (xem nhật ký).' }

Write-Host '[5/5] Cài add-in dtscore vào Excel và nạp các hàm DT_*...'
& $VPy -m dtscore.udfs.addin install
if ($LASTEXITCODE -ne 0) { Fail 'không cài được add-in.' }

Write-Host ''
Write-Host 'Xong. Mở Excel: thẻ "dtscore" trên thanh ruy-băng có nút "Tính lại & kiểm tra".' -ForegroundColor Green
Write-Host 'Thử trong một ô trống: =DT_RATIO(90%; 95%; 4) phải cho 3,79.'
Read-Host 'Nhấn Enter để đóng'
