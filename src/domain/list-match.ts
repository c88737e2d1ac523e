/** The operator-managed lists an event is matched against before scoring (src/lists), and what matched. */
export type ListName = 'deny' | 'allow' | 'watch';
export const LIST_NAMES: readonly ListName[] = ['deny', 'allow', 'watch'];

/** The event fields a list entry can name. */
export type ListEntryType = 'accountId' | 'beneficiaryId' | 'deviceId' | 'phoneNumber';
export const LIST_ENTRY_TYPES: readonly ListEntryType[] = ['accountId', 'beneficiaryId', 'deviceId', 'phoneNumber'];

/** For each list, which of the event's fields matched a live (unexpired) entry; empty when none did. */
export type ListMatches = Readonly<Record<ListName, readonly ListEntryType[]>>;

export const NO_LIST_MATCHES: ListMatches = Object.freeze({ deny: [], allow: [], watch: [] });

/** Who decides: `enforce` publishes the policy's outcome, `monitor` publishes ALLOW with the policy's in proposedOutcome. */
export type PolicyMode = 'enforce' | 'monitor';
export const POLICY_MODES: readonly PolicyMode[] = ['enforce', 'monitor'];
