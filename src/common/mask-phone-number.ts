/**
 * Logs may show that a number was involved, never which one: keep the `+`, the first two digits
 * (enough to see the country) and the last four (enough to correlate with a customer complaint).
 */
export function maskPhoneNumber(phoneNumber: string): string {
  const plus = phoneNumber.startsWith('+') ? '+' : '';
  const digits = phoneNumber.replace(/\D/g, '');
  // Too short to keep 6 digits visible without revealing most of it: hide everything.
  if (digits.length < 8) return plus + '*'.repeat(digits.length);
  return plus + digits.slice(0, 2) + '*'.repeat(digits.length - 6) + digits.slice(-4);
}
