; Inno Setup script: a Windows installer of the one-folder bundle (dist\captioner), with a Start-menu
; shortcut to the windowed captioner.exe and an uninstaller. Made by .github/workflows/build.yml:
;   iscc /DAppVersion=0.1.0 packaging\windows\captioner.iss      -> dist\captioner-<version>-setup.exe
; Per-user install by default (no administrator rights needed); settings, transcripts and models live
; in the user's folders and stay when it is uninstalled.
#ifndef AppVersion
  #define AppVersion "0.0.0"
#endif

[Setup]
AppId={{7E2296DB-5415-446E-B3CF-3A57C3F671DB}
AppName=Captioner
AppVersion={#AppVersion}
AppPublisher=Captioner
DefaultDirName={autopf}\Captioner
DefaultGroupName=Captioner
DisableProgramGroupPage=yes
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
OutputDir=..\..\dist
OutputBaseFilename=captioner-{#AppVersion}-setup
SetupIconFile=..\captioner.ico
UninstallDisplayIcon={app}\captioner.exe
Compression=lzma2
SolidCompression=yes
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
WizardStyle=modern

[Files]
Source: "..\..\dist\captioner\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{group}\Captioner"; Filename: "{app}\captioner.exe"
Name: "{autodesktop}\Captioner"; Filename: "{app}\captioner.exe"; Tasks: desktopicon

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Run]
Filename: "{app}\captioner.exe"; Description: "{cm:LaunchProgram,Captioner}"; Flags: nowait postinstall skipifsilent
