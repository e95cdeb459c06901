// The row a tree shows above its last good data while refreshes fail: since when, from when the data is,
// and why (the tooltip carries the error).
export interface OfflineRow {
  kind: 'message';
  text: string;
  icon: string;
  tooltip?: string;
}

export function offlineMessage(offlineSince: Date, fetchedAt: Date | undefined, error: string | undefined): OfflineRow {
  const time = (d: Date) => d.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
  return {
    kind: 'message',
    text: `Offline since ${time(offlineSince)}: showing data from ${fetchedAt ? time(fetchedAt) : 'earlier'}`,
    icon: 'cloud-offline',
    tooltip: error,
  };
}
