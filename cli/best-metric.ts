// How the CLI names a search's best child: validation perplexity (lower is better) for a
// recurrent-cell search, validation accuracy otherwise. Formatting only; the numbers come from
// store/search-best.ts or the workflow's progress.
import type { SearchBest } from '../store/search-best';

/** A cell search: its space kind says so, or (before the search row is read) a perplexity exists. */
export function isCellSearch(best: SearchBest | null | undefined): best is SearchBest {
  return !!best && (best.spaceKind === 'rnnCell' || (best.spaceKind === null && best.bestPerplexity !== null));
}

export function formatPerplexity(perplexity: number | null): string {
  return perplexity === null ? '-' : perplexity.toFixed(1);
}

/** `perplexity 714.2` for a cell search, else the accuracy as `0.9123`. */
export function bestShort(best: SearchBest | null | undefined, accuracy: number | null): string {
  return isCellSearch(best) ? `perplexity ${formatPerplexity(best.bestPerplexity)}` : (accuracy?.toFixed(4) ?? '-');
}

/** The summary's words: `validation perplexity 714.2 (lower is better; next-word accuracy 0.1234)`. */
export function bestLong(best: SearchBest | null | undefined, accuracy: number | null): string {
  if (!isCellSearch(best)) return `validation accuracy ${accuracy?.toFixed(4) ?? '-'}`;
  const nextWord = best.bestAccuracy === null ? '' : `; next-word accuracy ${best.bestAccuracy.toFixed(4)}`;
  return `validation perplexity ${formatPerplexity(best.bestPerplexity)} (lower is better${nextWord})`;
}
