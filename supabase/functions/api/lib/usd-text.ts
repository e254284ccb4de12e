/**
 * Dollars for people, the same wherever an amount is shown or said: the web app (usage,
 * budget, answers' costs; web/src/lib/usage-format.ts formatUsd) and the API's messages (the
 * 402 of a used-up budget, lib/budget.ts). Cents from a dollar up, thousands grouped
 * ("$1,234.50"); below a dollar two significant digits, never fewer than two decimals, so a
 * spend just over a cent keeps the precision of one just under it:
 *
 *   usdText(0.0153)   // '$0.015'   (not "$0.02")
 *   usdText(0.003)    // '$0.003'   (not "$0.00")
 *   usdText(0.5)      // '$0.50'
 *   usdText(0.00029)  // '$0.00029'
 */
export function usdText(value: number): string {
  if (value === 0 || !Number.isFinite(value)) return '$0';
  const sign = value < 0 ? '-' : '';
  const abs = Math.abs(value);
  if (abs >= 1) {
    return `${sign}$${abs.toLocaleString('en', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
  }
  // Decimals up to the second significant digit (at most 12: the log's picodollars), then the
  // zeros past the second decimal dropped ("0.100" → "0.10").
  const decimals = Math.min(12, Math.max(2, Math.ceil(-Math.log10(abs)) + 1));
  return `${sign}$${abs.toFixed(decimals).replace(/(\.\d\d\d*?)0+$/, '$1')}`;
}
