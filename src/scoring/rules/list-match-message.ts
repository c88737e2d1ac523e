import type { ListEntryType, ListName } from '../../domain/list-match.js';

const FIELD_LABELS: Record<ListEntryType, string> = {
  accountId: 'account',
  beneficiaryId: 'beneficiary',
  deviceId: 'device',
  phoneNumber: 'phone number',
};

/** "The account and device are on the deny list": names the fields that matched, never their values. */
export function listMatchMessage(list: ListName, matched: readonly ListEntryType[]): string {
  const fields = matched.map((t) => FIELD_LABELS[t]);
  const named = fields.length > 1 ? `${fields.slice(0, -1).join(', ')} and ${fields[fields.length - 1]}` : fields[0];
  return `The ${named} ${fields.length > 1 ? 'are' : 'is'} on the ${list} list`;
}
