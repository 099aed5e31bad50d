@echo off
rem dtscore: uninstall for the current user (see HUONG-DAN-CAI-DAT.txt)
powershell.exe -NoProfile -ExecutionPolicy Bypass -File "%~dp0go-cai-dat.ps1"
