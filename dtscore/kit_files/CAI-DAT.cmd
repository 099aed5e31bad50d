@echo off
rem dtscore: install for the current user, offline, no admin rights (see HUONG-DAN-CAI-DAT.txt)
powershell.exe -NoProfile -ExecutionPolicy Bypass -File "%~dp0cai-dat.ps1"
