// The simulator checks numbers as the service does: one E.164 pattern, in the shared vocabulary.
export { E164, isE164 } from '../domain/phone-number.js';
