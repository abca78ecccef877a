import { dict } from '../common/index.js';

/** Short names for the channels a hunter meets most; keys are lower case. */
const ABBREVIATIONS = dict<string>();
for (const [name, short] of [
  ['Security', 'Sec'],
  ['System', 'Sys'],
  ['Application', 'App'],
  ['Setup', 'Setup'],
  ['Microsoft-Windows-Sysmon/Operational', 'Sysmon'],
  ['Microsoft-Windows-PowerShell/Operational', 'PwSh'],
  ['Windows PowerShell', 'PwShClassic'],
  ['PowerShellCore/Operational', 'PwShCore'],
  ['Microsoft-Windows-Windows Defender/Operational', 'Defender'],
  ['Microsoft-Windows-TaskScheduler/Operational', 'TaskSch'],
  ['Microsoft-Windows-WMI-Activity/Operational', 'WMI'],
  ['Microsoft-Windows-TerminalServices-LocalSessionManager/Operational', 'RDP-LSM'],
  ['Microsoft-Windows-TerminalServices-RemoteConnectionManager/Operational', 'RDP-RCM'],
  ['Microsoft-Windows-RemoteDesktopServices-RdpCoreTS/Operational', 'RDP-CoreTS'],
  ['Microsoft-Windows-TerminalServices-Gateway/Operational', 'RDP-GW'],
  ['Microsoft-Windows-Bits-Client/Operational', 'BITS'],
  ['Microsoft-Windows-WinRM/Operational', 'WinRM'],
  ['Microsoft-Windows-Windows Firewall With Advanced Security/Firewall', 'Firewall'],
  ['Microsoft-Windows-CodeIntegrity/Operational', 'CodeInteg'],
  ['Microsoft-Windows-AppLocker/EXE and DLL', 'AppLocker-EXE'],
  ['Microsoft-Windows-AppLocker/MSI and Script', 'AppLocker-MSI'],
  ['Microsoft-Windows-DNS-Client/Operational', 'DNS-Client'],
  ['DNS Server', 'DNS-Server'],
  ['Microsoft-Windows-DNSServer/Audit', 'DNS-Audit'],
  ['Microsoft-Windows-PrintService/Operational', 'Print-Op'],
  ['Microsoft-Windows-PrintService/Admin', 'Print-Admin'],
  ['Microsoft-Windows-SMBClient/Security', 'SMB-Client'],
  ['Microsoft-Windows-SMBServer/Security', 'SMB-Server'],
  ['Microsoft-Windows-NTLM/Operational', 'NTLM'],
  ['Microsoft-Windows-Kernel-PnP/Configuration', 'PnP'],
  ['Microsoft-Windows-Shell-Core/Operational', 'Shell-Core'],
  ['Microsoft-Windows-Security-Mitigations/KernelMode', 'SecMitig-Kernel'],
  ['Microsoft-Windows-Security-Mitigations/UserMode', 'SecMitig-User'],
  ['Microsoft-Windows-BitLocker/BitLocker Management', 'BitLocker'],
  ['Microsoft-Windows-Ntfs/Operational', 'NTFS'],
  ['OpenSSH/Operational', 'OpenSSH'],
  ['MSExchange Management', 'Exchange'],
] as const) {
  ABBREVIATIONS[name.toLowerCase()] = short;
}

/**
 * The short name shown in the table: a known abbreviation, or the channel without its
 * `Microsoft-Windows-` prefix and `/Operational` suffix.
 */
export function abbreviateChannel(channel: string): string {
  const known = ABBREVIATIONS[channel.toLowerCase()];
  if (known !== undefined) return known;
  let s = channel;
  if (s.toLowerCase().startsWith('microsoft-windows-')) s = s.slice('microsoft-windows-'.length);
  if (s.toLowerCase().endsWith('/operational')) s = s.slice(0, -'/operational'.length);
  return s;
}
